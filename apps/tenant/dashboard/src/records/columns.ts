/** How a record's values show in the table: one short line per cell. */
import type { CollectionField, RecordModel } from 'pocketbase';

/** The fields shown as columns (not passwords or token keys, which never leave the server). */
export function visibleFields(fields: CollectionField[]): CollectionField[] {
  return fields.filter((f) => !f.hidden && f.type !== 'password');
}

/** A cell's text. */
export function cellText(field: CollectionField, record: RecordModel): string {
  const value: unknown = record[field.name];
  if (value === null || value === undefined || value === '') return '';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}
