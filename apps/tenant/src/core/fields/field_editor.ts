/** The "editor" (rich text) field. */
import type { EditorField } from '../collection_model.js';
import { byteLength, toGoString } from './cast.js';
import { errMaxThreshold, errMinThreshold, errRequired, fieldError } from './errors.js';
import { MAX_SAFE_JSON_INT } from './field_text.js';
import { BASE_SPEC, defaultFieldId, readOptions, validateBase } from './options.js';
import type { FieldHandler } from './types.js';
import { textValueMethods } from './text_values.js';

/** The size limit (bytes) applied when maxSize is 0: 5 MiB. */
export const DEFAULT_EDITOR_MAX_SIZE = 5 << 20;

function editorDefaults(name: string, id?: string): EditorField {
  return {
    convertURLs: false, help: '', hidden: false, id: id ?? defaultFieldId('editor', name), maxSize: 0, name,
    presentable: false, required: false, system: false, type: 'editor',
  };
}

const SPEC = { ...BASE_SPEC, maxSize: 'int', convertURLs: 'bool' } as const;

/** The effective byte limit of an editor field. */
export function editorMaxSize(field: EditorField): number {
  return field.maxSize <= 0 ? DEFAULT_EDITOR_MAX_SIZE : field.maxSize;
}

/** Handler of "editor" fields; the HTML is stored as given (no sanitising, as in PocketBase). */
export const editorField: FieldHandler<EditorField, string> = {
  type: 'editor',
  settable: true,
  ...textValueMethods(toGoString),
  defaults: editorDefaults,
  normalizeOptions: (raw) => readOptions(raw, editorDefaults('', ''), SPEC),
  validateOptions(field) {
    const errors = validateBase(field, {});
    if (field.maxSize < 0) errors.maxSize = errMinThreshold(0);
    else if (field.maxSize > MAX_SAFE_JSON_INT) errors.maxSize = errMaxThreshold(MAX_SAFE_JSON_INT);
    return errors;
  },
  validateValue(field, value) {
    if (field.required && value === '') return errRequired();
    const maxSize = editorMaxSize(field);
    if (byteLength(value) > maxSize) {
      return fieldError('validation_content_size_limit', 'The maximum allowed content size is {{.maxSize}} bytes', { maxSize });
    }
    return null;
  },
};
