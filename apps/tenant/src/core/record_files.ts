/**
 * Files of records: uploads become PendingFile values, are moved into storage inside the
 * record's write transaction (and deleted again if it rolls back), and files a record no
 * longer references are deleted once the change has committed.
 */
import { detectType } from '../tools/filesystem/mime.js';
import { storageFileName } from '../tools/filesystem/names.js';
import type { TenantApp } from './app.js';
import type { Collection, FileField } from './collection_model.js';
import { fileMaxSize, fileNames, PendingFile, pendingFiles, removedFileNames } from './fields/field_file.js';
import { viewColumnSource } from './collection_view.js';
import { RecordModel } from './record_model.js';
import { quoteId } from './store.js';

/** An upload as the HTTP layer received it. */
export interface Upload {
  /** The multipart key, e.g. "documents", "documents+" or "+documents". */
  field: string;
  filename: string;
  size: number;
  /** Temporary file with the bytes. */
  path: string;
  /** The first bytes, for type detection. */
  head: Buffer;
}

// File clean-up runs after the commit: a failure there is logged (logs.warnOnFailure), never
// turned into an error of the (already committed) write.
const fileFields = (c: Collection): FileField[] => c.fields.filter((f): f is FileField => f.type === 'file');

/** A pending file value for an upload: storage name and type decided by its content. */
export function pendingFromUpload(upload: Upload): PendingFile {
  const detected = detectType(upload.head, upload.size <= upload.head.length);
  return new PendingFile(storageFileName(upload.filename, detected.ext), upload.filename, upload.size, detected.mime, upload.path);
}

/**
 * Submitted values with the uploads merged in as PocketBase does: files under `name`,
 * `+name` or `name+` of a file field; under the plain `name` they are added after the names
 * submitted with them (so `{documents: ['kept.png', newFile]}` keeps kept.png); files under
 * any other key are ignored.
 */
export function withUploads(c: Collection, data: Record<string, unknown>, uploads: readonly Upload[], prefix = ''): Record<string, unknown> {
  if (uploads.length === 0) return data;
  const keys = new Set<string>();
  for (const f of fileFields(c)) for (const k of [f.name, `+${f.name}`, `${f.name}+`]) keys.add(prefix + k);
  const grouped = new Map<string, PendingFile[]>();
  for (const u of uploads) {
    if (!u.path || !keys.has(u.field)) continue;
    const key = u.field.slice(prefix.length);
    grouped.set(key, [...(grouped.get(key) ?? []), pendingFromUpload(u)]);
  }
  if (grouped.size === 0) return data;
  const out: Record<string, unknown> = { ...data };
  for (const [key, files] of grouped) {
    const plain = !key.startsWith('+') && !key.endsWith('+');
    out[key] = plain && data[key] != null ? [...fileNames(data[key]), ...files] : files;
  }
  return out;
}

/** Bytes a create/update of `c` may send on top of the global body limit: its file fields' share. */
export function uploadAllowance(c: Collection | undefined): number {
  if (!c || c.type === 'view') return 0;
  return fileFields(c).reduce((sum, f) => sum + fileMaxSize(f) * Math.max(f.maxSelect, 1), 0);
}

/**
 * Moves a record's new uploads into storage. Runs inside the write transaction, just
 * before the row is written; if the transaction rolls back the files are deleted again.
 */
export function storeUploads(app: TenantApp, record: RecordModel): void {
  const c = record.collection;
  const pending = fileFields(c).flatMap((f) => pendingFiles(record.get(f.name))).filter((p) => !p.stored);
  if (pending.length === 0) return;
  const stored: string[] = [];
  const wasNew = record.isNew;
  // Registered before the first move, so a failure part-way still removes what was moved.
  app.afterCommit(() => undefined, () => app.logs.warnOnFailure('remove uploads of a rolled back write', () => {
    for (const name of stored) app.files.deleteFile(c.id, record.id, name);
    if (wasNew) app.files.deleteRecordDirIfEmpty(c.id, record.id);
  }));
  for (const p of pending) {
    app.files.store(p.source, c.id, record.id, p.name);
    p.stored = true;
    stored.push(p.name);
  }
}

/** After the update commits, deletes the files the record no longer references. */
export function deleteReplacedFiles(app: TenantApp, record: RecordModel): void {
  if (!record.original) return;
  const c = record.collection;
  const removed = fileFields(c).flatMap((f) => removedFileNames(record.original?.[f.name], record.get(f.name)));
  if (removed.length === 0) return;
  app.afterCommit(() => app.logs.warnOnFailure('delete replaced files', () => {
    for (const name of removed) app.files.deleteFile(c.id, record.id, name);
  }));
}

/** After the delete commits, removes the record's whole file directory. */
export function deleteRecordFiles(app: TenantApp, record: RecordModel): void {
  const c = record.collection;
  // Always, even without file fields now: files of a field removed earlier may remain.
  app.afterCommit(() => app.logs.warnOnFailure('delete the files of a deleted record', () => app.files.deleteRecordDir(c.id, record.id)));
}

/** The file field of a record that holds `name`, if any. */
export function fileFieldHolding(record: RecordModel, name: string): FileField | undefined {
  return fileFields(record.collection).find((f) => fileNames(record.get(f.name)).includes(name));
}

/**
 * The record that really holds a file shown through a view collection: the source
 * collection's record whose file field (the view column's origin) contains `name`.
 */
export function findRecordByViewFile(app: TenantApp, view: Collection, fieldName: string, name: string): RecordModel | undefined {
  const source = viewColumnSource(app, view, fieldName);
  if (!source || source.field.type !== 'file' || source.collection.type === 'view') return undefined;
  const col = quoteId(source.field.name);
  const row = app.store.data.get(
    `SELECT * FROM ${quoteId(source.collection.name)} WHERE ${col} = ? OR (json_valid(${col}) AND json_type(${col}) = 'array' AND EXISTS (SELECT 1 FROM json_each(${col}) WHERE value = ?)) LIMIT 1`,
    [name, name],
  );
  return row ? RecordModel.fromRow(source.collection, row) : undefined;
}
