/** Direct record look-ups (no rules): by id, by field value, several ids at once. */
import type { TenantApp } from './app.js';
import type { Collection } from './collection_model.js';
import { RecordModel } from './record_model.js';
import { quoteId } from './store.js';

/** A record by id, or undefined. */
export function findRecordById(app: TenantApp, collection: Collection, id: string): RecordModel | undefined {
  if (!id) return undefined;
  const row = app.store.data.get(`SELECT * FROM ${quoteId(collection.name)} WHERE \`id\` = ? LIMIT 1`, [id]);
  return row ? RecordModel.fromRow(collection, row) : undefined;
}

/** Records by ids (order not guaranteed; missing ids skipped). */
export function findRecordsByIds(app: TenantApp, collection: Collection, ids: readonly string[]): RecordModel[] {
  if (ids.length === 0) return [];
  const rows = app.store.data.all(
    `SELECT * FROM ${quoteId(collection.name)} WHERE \`id\` IN (SELECT value FROM json_each(?))`,
    [JSON.stringify(ids)],
  );
  return rows.map((r) => RecordModel.fromRow(collection, r));
}

/** The auth record whose identity field (e.g. email, case-insensitive) matches. */
export function findAuthRecordByIdentity(app: TenantApp, collection: Collection, field: string, value: string): RecordModel | undefined {
  if (!collection.fields.some((f) => f.name === field)) return undefined;
  const cmp = field === 'email' ? `${quoteId(field)} = ? COLLATE NOCASE` : `${quoteId(field)} = ?`;
  const row = app.store.data.get(`SELECT * FROM ${quoteId(collection.name)} WHERE ${cmp} LIMIT 1`, [value]);
  return row ? RecordModel.fromRow(collection, row) : undefined;
}
