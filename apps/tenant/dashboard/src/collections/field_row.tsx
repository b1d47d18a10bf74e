/** One field of the collection editor: name, type, the common flags and the type's options. */
import { useId, useState } from 'react';
import type { CollectionModel } from 'pocketbase';
import { FIELD_TYPES, newField, TYPE_OPTIONS, type FieldDraft, type OptionSpec } from './field_types';

/** Props of FieldRow. */
export interface FieldRowProps {
  field: FieldDraft;
  index: number;
  /** A field not saved yet: its type can still change. */
  isNew: boolean;
  collections: CollectionModel[];
  errors: Record<string, string>;
  onChange(field: FieldDraft): void;
  onRemove(): void;
}

function OptionInput({ spec, value, onChange, collections, error }: { spec: OptionSpec; value: unknown; onChange(v: unknown): void; collections: CollectionModel[]; error?: string }) {
  const id = useId();
  const note = error ? <p className="field-error" role="alert">{error}</p> : spec.hint ? <p className="field-hint">{spec.hint}</p> : null;
  if (spec.kind === 'bool') {
    return (
      <div className="field field-check">
        <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
        <label htmlFor={id}>{spec.label}</label>
        {note}
      </div>
    );
  }
  let input;
  if (spec.kind === 'collection') {
    input = (
      <select id={id} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)}>
        <option value="">—</option>
        {collections.filter((c) => c.type !== 'view').map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
      </select>
    );
  } else if (spec.kind === 'list') {
    input = <input id={id} type="text" value={Array.isArray(value) ? (value as string[]).join(', ') : ''} spellCheck={false}
      onChange={(e) => onChange(e.target.value.split(',').map((s) => s.trim()).filter(Boolean))} />;
  } else if (spec.kind === 'number') {
    input = <input id={id} type="number" value={typeof value === 'number' ? value : ''} onChange={(e) => onChange(e.target.value === '' ? 0 : Number(e.target.value))} />;
  } else {
    input = <input id={id} type="text" value={typeof value === 'string' ? value : ''} spellCheck={false} onChange={(e) => onChange(e.target.value)} />;
  }
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{spec.label}</label>
      {input}
      {note}
    </div>
  );
}

/** The row. */
export function FieldRow({ field, index, isNew, collections, errors, onChange, onRemove }: FieldRowProps) {
  const id = useId();
  const [open, setOpen] = useState(isNew);
  const err = (key: string) => errors[`fields.${index}.${key}`];
  const system = field.system === true;
  const options = TYPE_OPTIONS[field.type] ?? [];
  const flag = (key: 'required' | 'hidden' | 'presentable', label: string) => (
    <label className="flag">
      <input type="checkbox" checked={field[key] === true} onChange={(e) => onChange({ ...field, [key]: e.target.checked })} /> {label}
    </label>
  );
  return (
    <li className="field-row" data-field={field.name}>
      <div className="field-row-head">
        <input id={id} aria-label={`Field ${index + 1} name`} className={err('name') ? 'invalid' : undefined} value={field.name} readOnly={system}
          spellCheck={false} onChange={(e) => onChange({ ...field, name: e.target.value })} />
        {isNew ? (
          <select aria-label={`Field ${index + 1} type`} value={field.type} onChange={(e) => onChange(newField(e.target.value, field.name))}>
            {FIELD_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        ) : <span className="type-tag">{field.type}</span>}
        {flag('required', 'Required')}
        {flag('hidden', 'Hidden')}
        {flag('presentable', 'Presentable')}
        {options.length > 0 && <button type="button" className="button-small" aria-expanded={open} onClick={() => setOpen((o) => !o)}>Options</button>}
        {!system && <button type="button" className="button-small button-danger" aria-label={`Remove field ${field.name || index + 1}`} onClick={onRemove}>Remove</button>}
      </div>
      {err('name') && <p className="field-error" role="alert">{err('name')}</p>}
      {open && options.length > 0 && (
        <div className="field-options">
          {options.map((spec) => (
            <OptionInput key={spec.key} spec={spec} value={field[spec.key]} collections={collections} error={err(spec.key)}
              onChange={(v) => onChange({ ...field, [spec.key]: v })} />
          ))}
        </div>
      )}
    </li>
  );
}
