/**
 * The input of one field by its type: text and editor, number, bool, email, url, date, select
 * (one or many), json (checked as it is typed), relation (record ids), file (upload with a
 * preview of what is kept, via thumbs), password. Values are kept as the form will send them.
 */
import { useEffect, useId, useState, type ReactElement } from 'react';
import type { CollectionField, RecordModel } from 'pocketbase';
import { pb } from '../pb';
import { RelationPicker } from './relation_picker';

/** A field's value in the form. */
export type FormValue = string | number | boolean | string[] | File[] | null;

/** The edit state of a file field: names kept and files added. */
export interface FileState {
  keep: string[];
  add: File[];
}

/** Props of FieldInput. */
export interface FieldInputProps {
  field: CollectionField;
  record?: RecordModel;
  value: FormValue | FileState;
  error?: string;
  onChange(value: FormValue | FileState): void;
}

/** `2026-01-31 10:00:00.000Z` -> `2026-01-31T10:00` (a datetime-local value, shown in UTC). */
export function toLocalInput(value: string): string {
  return value ? value.replace(' ', 'T').slice(0, 16) : '';
}

/** One field's label, input and error. */
export function FieldInput({ field, record, value, error, onChange }: FieldInputProps) {
  const id = useId();
  const note = error ? <p id={`${id}-note`} className="field-error" role="alert">{error}</p> : null;
  const common = { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? `${id}-note` : undefined } as const;
  const label = <label htmlFor={id}>{field.name}{field.required ? ' *' : ''}</label>;
  const readOnly = field.type === 'autodate' || (field.name === 'id' && record !== undefined);
  let input: ReactElement;
  switch (field.type) {
    case 'bool':
      return (
        <div className="field field-check">
          <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          {label}
          {note}
        </div>
      );
    case 'number':
      input = <input type="number" step="any" {...common} value={value === null || value === '' ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))} />;
      break;
    case 'editor':
    case 'json':
    case 'geoPoint':
      input = <textarea {...common} rows={field.type === 'editor' ? 8 : field.type === 'geoPoint' ? 2 : 6} spellCheck={field.type === 'editor'} className={field.type === 'editor' ? undefined : 'mono'}
        placeholder={field.type === 'geoPoint' ? '{"lon": 0, "lat": 0}' : undefined}
        value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'select': {
      const options = (field.values as string[] | undefined) ?? [];
      const many = Number(field.maxSelect ?? 1) > 1;
      const selected = Array.isArray(value) ? (value as string[]) : typeof value === 'string' && value ? [value] : [];
      input = (
        <select {...common} multiple={many} value={many ? selected : (selected[0] ?? '')}
          onChange={(e) => onChange(many ? [...e.target.selectedOptions].map((o) => o.value) : e.target.value)}>
          {!many && <option value="">—</option>}
          {options.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      );
      break;
    }
    case 'file':
      return <FileInput id={id} field={field} record={record} state={value as FileState} error={error} onChange={onChange} label={label} />;
    case 'date':
    case 'autodate':
      input = <input type="datetime-local" {...common} readOnly={readOnly} value={typeof value === 'string' ? toLocalInput(value) : ''} onChange={(e) => onChange(e.target.value ? `${e.target.value.replace('T', ' ')}:00.000Z` : '')} />;
      break;
    case 'relation':
      return <RelationInput id={id} field={field} value={value as FormValue} error={error} onChange={onChange} label={label} />;
    case 'password':
      input = <input type="password" autoComplete="new-password" {...common} value={typeof value === 'string' ? value : ''} placeholder={record ? 'unchanged when empty' : ''} onChange={(e) => onChange(e.target.value)} />;
      break;
    default:
      input = <input type={field.type === 'email' ? 'email' : field.type === 'url' ? 'url' : 'text'} {...common} readOnly={readOnly}
        value={typeof value === 'string' || typeof value === 'number' ? String(value) : ''} onChange={(e) => onChange(e.target.value)} />;
  }
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      {label}
      {input}
      {note}
    </div>
  );
}

function FileInput({ id, field, record, state, error, onChange, label }: { id: string; field: CollectionField; record?: RecordModel; state: FileState; error?: string; onChange(v: FileState): void; label: ReactElement }) {
  const many = Number(field.maxSelect ?? 1) > 1;
  // A protected field's files need a short-lived file token, even for a superuser (as PocketBase).
  const [token, setToken] = useState<string>();
  useEffect(() => {
    if (field.protected) void pb.files.getToken().then(setToken).catch(() => undefined);
  }, [field.protected]);
  const url = (name: string, thumb?: string) => (record ? pb.files.getURL(record, name, { ...(thumb ? { thumb } : {}), ...(token ? { token } : {}) }) : '');
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      {label}
      {state.keep.length > 0 && record && (
        <ul className="files">
          {state.keep.map((name) => (
            <li key={name}>
              {/\.(png|jpe?g|gif|webp)$/i.test(name) && (!field.protected || token) && <img src={url(name, '100x100')} alt="" width={50} height={50} />}
              <a href={url(name)} target="_blank" rel="noreferrer">{name}</a>
              <button type="button" className="button-small" aria-label={`Remove ${name}`} onClick={() => onChange({ ...state, keep: state.keep.filter((n) => n !== name) })}>Remove</button>
            </li>
          ))}
        </ul>
      )}
      <input id={id} type="file" multiple={many} aria-invalid={error ? true : undefined}
        onChange={(e) => onChange({ ...state, add: [...(many ? state.add : []), ...Array.from(e.target.files ?? [])] })} />
      {state.add.length > 0 && <p className="field-hint">{state.add.map((f) => f.name).join(', ')} to upload</p>}
      {error && <p className="field-error" role="alert">{error}</p>}
    </div>
  );
}

function RelationInput({ id, field, value, error, onChange, label }: { id: string; field: CollectionField; value: FormValue; error?: string; onChange(v: FormValue): void; label: ReactElement }) {
  const [picking, setPicking] = useState(false);
  const many = Number(field.maxSelect ?? 1) > 1;
  const ids = Array.isArray(value) ? (value as string[]) : typeof value === 'string' && value ? [value] : [];
  const set = (next: string[]) => onChange(many ? next : (next[0] ?? ''));
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      {label}
      <div className="relation-input">
        <input id={id} type="text" spellCheck={false} placeholder={many ? 'record ids, separated by commas' : 'a record id'} value={ids.join(', ')}
          aria-invalid={error ? true : undefined} onChange={(e) => set(e.target.value.split(',').map((s) => s.trim()).filter(Boolean))} />
        <button type="button" className="button-small" aria-expanded={picking} onClick={() => setPicking((p) => !p)}>Pick</button>
      </div>
      {picking && <RelationPicker collectionId={String(field.collectionId ?? '')} selected={ids} many={many} onChange={set} onClose={() => setPicking(false)} />}
      {error && <p className="field-error" role="alert">{error}</p>}
    </div>
  );
}
