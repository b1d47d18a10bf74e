/** The field types a collection can have, and the options each one takes (PocketBase's keys). */

/** How an option is edited. */
export type OptionKind = 'number' | 'text' | 'bool' | 'list' | 'collection';

/** One option of a field type. */
export interface OptionSpec {
  key: string;
  label: string;
  kind: OptionKind;
  hint?: string;
}

/** Types offered for a new field, in the order shown. */
export const FIELD_TYPES = ['text', 'editor', 'number', 'bool', 'email', 'url', 'date', 'autodate', 'select', 'file', 'relation', 'json', 'geoPoint'] as const;

const DOMAIN_OPTIONS: OptionSpec[] = [
  { key: 'onlyDomains', label: 'Only domains', kind: 'list' },
  { key: 'exceptDomains', label: 'Except domains', kind: 'list' },
];

/** Options by type (the common ones, name/required/hidden/presentable, are edited for every field). */
export const TYPE_OPTIONS: Record<string, OptionSpec[]> = {
  text: [
    { key: 'min', label: 'Min length', kind: 'number' },
    { key: 'max', label: 'Max length', kind: 'number' },
    { key: 'pattern', label: 'Pattern (regex)', kind: 'text' },
    { key: 'autogeneratePattern', label: 'Autogenerate pattern', kind: 'text', hint: 'e.g. [a-z0-9]{8}' },
  ],
  editor: [
    { key: 'maxSize', label: 'Max size (bytes)', kind: 'number' },
    { key: 'convertURLs', label: 'Convert URLs', kind: 'bool' },
  ],
  number: [
    { key: 'min', label: 'Min', kind: 'number' },
    { key: 'max', label: 'Max', kind: 'number' },
    { key: 'onlyInt', label: 'Integers only', kind: 'bool' },
  ],
  email: DOMAIN_OPTIONS,
  url: DOMAIN_OPTIONS,
  date: [
    { key: 'min', label: 'Min date', kind: 'text', hint: '2026-01-01 00:00:00.000Z' },
    { key: 'max', label: 'Max date', kind: 'text' },
  ],
  autodate: [
    { key: 'onCreate', label: 'Set on create', kind: 'bool' },
    { key: 'onUpdate', label: 'Set on update', kind: 'bool' },
  ],
  select: [
    { key: 'values', label: 'Values', kind: 'list', hint: 'separated by commas' },
    { key: 'maxSelect', label: 'Max selected', kind: 'number' },
  ],
  file: [
    { key: 'maxSelect', label: 'Max files', kind: 'number' },
    { key: 'maxSize', label: 'Max size per file (bytes)', kind: 'number' },
    { key: 'mimeTypes', label: 'Allowed types', kind: 'list', hint: 'e.g. image/png, image/jpeg' },
    { key: 'thumbs', label: 'Thumb sizes', kind: 'list', hint: 'e.g. 100x100, 0x300' },
    { key: 'protected', label: 'Protected (file token needed)', kind: 'bool' },
  ],
  relation: [
    { key: 'collectionId', label: 'Related collection', kind: 'collection' },
    { key: 'minSelect', label: 'Min selected', kind: 'number' },
    { key: 'maxSelect', label: 'Max selected', kind: 'number' },
    { key: 'cascadeDelete', label: 'Delete with the related record', kind: 'bool' },
  ],
  json: [{ key: 'maxSize', label: 'Max size (bytes)', kind: 'number' }],
};

/** A field as the editor holds it (PocketBase's field JSON). */
export type FieldDraft = Record<string, unknown> & { name: string; type: string };

/** A new field's defaults by type (what PocketBase's dashboard starts with). */
export function newField(type: string, name: string): FieldDraft {
  const base: FieldDraft = { name, type, required: false, hidden: false, presentable: false };
  if (type === 'select') return { ...base, values: [], maxSelect: 1 };
  if (type === 'file') return { ...base, maxSelect: 1, maxSize: 0, mimeTypes: [], thumbs: [] };
  if (type === 'relation') return { ...base, collectionId: '', maxSelect: 1, cascadeDelete: false };
  if (type === 'autodate') return { ...base, onCreate: true, onUpdate: false };
  return base;
}
