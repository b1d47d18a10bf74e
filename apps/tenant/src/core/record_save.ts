/**
 * The record write pipeline: apply submitted values (with modifiers), validate, persist and
 * fire PocketBase's events. Everything here is synchronous and runs inside the caller's
 * SQLite transaction, so a failure leaves nothing half-written.
 */
import Database from 'better-sqlite3';
import { parseIndex } from '../tools/dbutil/index_parser.js';
import type { ErrorData } from '../tools/router/api_error.js';
import { badRequest, fieldError, ValidationError } from '../tools/router/api_error.js';
import { randomString } from '../tools/security/random.js';
import { formatDate } from '../tools/types/datetime.js';
import type { TenantApp } from './app.js';
import type { Collection, Field } from './collection_model.js';
import { findField } from './collection_model.js';
import { findRecordsByIds } from './record_find.js';
import { RecordModel } from './record_model.js';
import {
  finalizePassword, generateAutoValue, isSettable, modifyValue, parseModifierKey, passwordChanged, passwordHash, prepareValue,
  validateValue, valueToDb, verifyPassword,
} from './record_values.js';
import { runModelChange } from './model_events.js';
import { deleteRecordFiles, deleteReplacedFiles, storeUploads } from './record_files.js';
import type { SqlValue } from './store.js';
import { quoteId } from './store.js';

/** The event record hooks receive. */
export interface RecordEvent {
  app: TenantApp;
  record: RecordModel;
}

/** Who submits the values: decides which fields they may set. */
export interface ApplyOptions {
  /** Superuser or manageRule match: may set verified, change email/password without oldPassword. */
  privileged: boolean;
  /** Superuser: may also set hidden fields (others may only set an auth record's password). */
  superuser: boolean;
}

/** Applies submitted values to a record (unknown keys are ignored, as PocketBase does). */
export function applyInput(record: RecordModel, input: Record<string, unknown>, opts: ApplyOptions): ErrorData {
  const errors: ErrorData = {};
  const c = record.collection;
  const isAuth = c.type === 'auth';
  // Plain keys before modified ones ("files" before "files+"), as PocketBase applies them.
  const entries = Object.entries(input).sort((a, b) => a[0].length - b[0].length);
  for (const [key, raw] of entries) {
    const { name, modifier } = parseModifierKey(key);
    const field = findField(c, name);
    if (!field || !isSettable(field)) continue;
    // Hidden fields are write-protected from clients too (PocketBase), except the auth password.
    if (field.hidden && !opts.superuser && !(isAuth && field.name === 'password')) continue;
    if (name === 'id') {
      if (!record.isNew) continue; // ids never change
      record.set('id', prepareValue(field, raw));
      continue;
    }
    if (isAuth && name === 'tokenKey') continue;
    if (isAuth && name === 'verified' && !opts.privileged) {
      if (record.isNew ? Boolean(raw) : Boolean(raw) !== Boolean(record.get('verified'))) {
        errors.verified = fieldError('validation_values_mismatch', 'The verified state can be changed only by superusers or managers.');
      }
      continue;
    }
    if (modifier) {
      const next = modifyValue(field, record.get(field.name), modifier, raw);
      if (next !== undefined) record.set(field.name, next);
    } else {
      record.set(field.name, prepareValue(field, raw));
    }
  }
  if (isAuth) applyAuthInput(record, input, opts, errors);
  if (isAuth && !record.isNew && !opts.privileged && record.get('email') !== record.original?.email) {
    // Owners change their email only through the confirm-email-change flow.
    errors.email = fieldError('validation_values_mismatch', 'Email can be changed only by superusers or managers, or with the email change flow.');
  }
  return errors;
}

// passwordConfirm / oldPassword rules of auth collections.
function applyAuthInput(record: RecordModel, input: Record<string, unknown>, opts: ApplyOptions, errors: ErrorData): void {
  const value = record.get('password');
  if (!passwordChanged(value)) return;
  const plain = (value as { plain: string }).plain;
  const confirm = input.passwordConfirm;
  if (confirm === undefined || String(confirm) !== plain) {
    errors.passwordConfirm = fieldError('validation_values_mismatch', "Values don't match.");
  }
  if (!record.isNew && !opts.privileged) {
    const old = input.oldPassword;
    if (old === undefined || old === '') errors.oldPassword = fieldError('validation_required', 'Cannot be blank.');
    else if (!verifyPassword(passwordHash(record.original?.password), String(old))) {
      errors.oldPassword = fieldError('validation_invalid_old_password', 'Missing or invalid old password.');
    }
  }
}

function existingRelIds(app: TenantApp) {
  return (collectionId: string, ids: readonly string[]): Set<string> => {
    const c = app.collections.findById(collectionId);
    if (!c) return new Set();
    return new Set(findRecordsByIds(app, c, ids).map((r) => r.id));
  };
}

// Unique indexes checked before writing, so that violations become field errors.
function uniqueErrors(app: TenantApp, record: RecordModel): ErrorData {
  const errors: ErrorData = {};
  const c = record.collection;
  if (record.isNew && record.getString('id')) {
    const taken = app.store.data.get(`SELECT 1 AS x FROM ${quoteId(c.name)} WHERE \`id\` = ? LIMIT 1`, [record.getString('id')]);
    if (taken) errors.id = fieldError('validation_not_unique', 'Value must be unique.');
  }
  for (const sql of c.indexes) {
    const def = parseIndex(sql);
    if (!def?.unique) continue;
    const cols = def.columns.map((col) => findField(c, col.name)).filter((f): f is Field => Boolean(f));
    if (cols.length !== def.columns.length || cols.some((f) => f.name in errors)) continue;
    const conds = cols.map((f) => {
      const collate = def.columns.find((x) => x.name === f.name)?.collate;
      return `${quoteId(f.name)} = ?${collate ? ` COLLATE ${collate}` : f.name === 'email' ? ' COLLATE NOCASE' : ''}`;
    });
    const params: SqlValue[] = cols.map((f) => valueToDb(f, record.get(f.name)));
    const where = def.where ? ` AND (${def.where})` : '';
    const row = app.store.data.get(
      `SELECT 1 AS x FROM ${quoteId(c.name)} WHERE ${conds.join(' AND ')} AND \`id\` != ?${where} LIMIT 1`,
      [...params, record.id],
    );
    if (row) for (const f of cols) errors[f.name] = fieldError('validation_not_unique', 'Value must be unique.');
  }
  return errors;
}

/** Validates all values of a record; throws ValidationError with field codes. */
export function validateRecord(app: TenantApp, record: RecordModel, extra: ErrorData = {}, message?: string): void {
  const errors: ErrorData = { ...extra };
  const base = {
    isNew: record.isNew,
    existingRelIds: existingRelIds(app),
    now: app.now,
    findCollection: (idOrName: string) => app.collections.find(idOrName),
    idExistsNoCase: (id: string) =>
      Boolean(app.store.data.get(`SELECT 1 AS x FROM ${quoteId(record.collection.name)} WHERE \`id\` = ? COLLATE NOCASE AND \`id\` != ? LIMIT 1`, [id, String(record.original?.id ?? '')])),
  };
  for (const f of record.collection.fields) {
    if (f.name in errors) continue;
    const err = validateValue(f, record.get(f.name), { ...base, original: record.original?.[f.name] as never });
    if (err) errors[f.name] = err;
  }
  if (Object.keys(errors).length === 0) Object.assign(errors, uniqueErrors(app, record));
  if (Object.keys(errors).length) throw new ValidationError(errors, message ?? (record.isNew ? 'Failed to create record.' : 'Failed to update record.'));
}

// Fills ids, autodates, token keys and hashes passwords just before a write.
function finalizeValues(app: TenantApp, record: RecordModel): void {
  const now = formatDate(app.now());
  for (const f of record.collection.fields) {
    if (f.type === 'autodate' && ((record.isNew && f.onCreate) || f.onUpdate)) record.set(f.name, now);
    if (f.type === 'password') record.set(f.name, finalizePassword(f, record.get(f.name)));
  }
  if (record.collection.type === 'auth') {
    const emailChanged = !record.isNew && record.original?.email !== record.get('email');
    if (record.isNew || emailChanged || passwordChanged(record.get('password')) || !record.getString('tokenKey')) {
      // A new key revokes every token issued before (PocketBase's behaviour on email/password change).
      record.set('tokenKey', randomString(50));
    }
  }
}

function ensureId(record: RecordModel): void {
  const idField = findField(record.collection, 'id');
  if (idField && !record.getString('id')) record.set('id', generateAutoValue(idField));
  for (const f of record.collection.fields) {
    if (f.type === 'text' && f.name !== 'id' && f.autogeneratePattern && !record.getString(f.name)) {
      record.set(f.name, generateAutoValue(f));
    }
  }
}

// A constraint SQLite enforces that the pre-checks could not see (e.g. a unique expression
// index) is the client's error, not a crash.
function runWrite(record: RecordModel, write: () => void): void {
  try {
    write();
  } catch (err) {
    if (err instanceof Database.SqliteError && err.code.startsWith('SQLITE_CONSTRAINT')) {
      const data: ErrorData = {};
      const cols = /constraint failed: (.+)$/.exec(err.message)?.[1] ?? '';
      for (const col of cols.split(',').map((s) => s.trim().split('.').pop() ?? '')) {
        if (findField(record.collection, col)) data[col] = fieldError('validation_not_unique', 'Value must be unique.');
      }
      throw new ValidationError(data, record.isNew ? 'Failed to create record.' : 'Failed to update record.');
    }
    throw err;
  }
}

function insertRow(app: TenantApp, record: RecordModel): void {
  const fields = record.collection.fields;
  const cols = fields.map((f) => quoteId(f.name)).join(', ');
  const values = fields.map((f) => valueToDb(f, record.get(f.name)));
  runWrite(record, () => app.store.data.run(`INSERT INTO ${quoteId(record.collection.name)} (${cols}) VALUES (${fields.map(() => '?').join(', ')})`, values));
}

function updateRow(app: TenantApp, record: RecordModel): void {
  const fields = record.collection.fields.filter((f) => f.name !== 'id');
  const sets = fields.map((f) => `${quoteId(f.name)} = ?`).join(', ');
  const values = fields.map((f) => valueToDb(f, record.get(f.name)));
  runWrite(record, () => app.store.data.run(`UPDATE ${quoteId(record.collection.name)} SET ${sets} WHERE \`id\` = ?`, [...values, String(record.original?.id ?? record.id)]));
}

function assertWritable(c: Collection): void {
  if (c.type === 'view') throw badRequest('Unsupported collection type.');
}

/** Validates and inserts a new record, firing the create events. */
export function createRecord(app: TenantApp, record: RecordModel, inputErrors: ErrorData = {}): RecordModel {
  assertWritable(record.collection);
  return app.write(() => {
    const event: RecordEvent = { app, record };
    runModelChange(app, 'Record', 'Create', event, {
      prepare: (e) => ensureId(e.record),
      validate: (e) => validateRecord(app, e.record, inputErrors),
      finalize: (e) => finalizeValues(app, e.record),
      execute: (e) => {
        storeUploads(app, e.record);
        insertRow(app, e.record);
      },
    });
    return event.record;
  });
}

/** Validates and updates a loaded record, firing the update events. */
export function updateRecord(app: TenantApp, record: RecordModel, inputErrors: ErrorData = {}): RecordModel {
  assertWritable(record.collection);
  return app.write(() => {
    const event: RecordEvent = { app, record };
    let newPassword = false;
    runModelChange(app, 'Record', 'Update', event, {
      validate: (e) => validateRecord(app, e.record, inputErrors),
      finalize: (e) => {
        newPassword = e.record.collection.type === 'auth' && passwordChanged(e.record.get('password'));
        finalizeValues(app, e.record);
      },
      execute: (e) => {
        storeUploads(app, e.record);
        updateRow(app, e.record);
        deleteReplacedFiles(app, e.record);
        // A new password starts the known-devices list over (login alerts), as PocketBase.
        if (newPassword) deleteAuthRefs(app, e.record, ['_authOrigins'], 0);
      },
    });
    return event.record;
  });
}

// Relations pointing at a deleted record: cascade, refuse (required) or drop the id.
function cleanReferences(app: TenantApp, record: RecordModel, depth: number): void {
  if (depth > 32) throw badRequest('Too deep cascade delete chain.');
  for (const c of app.collections.all()) {
    if (c.type === 'view') continue;
    for (const f of c.fields) {
      if (f.type !== 'relation' || f.collectionId !== record.collection.id) continue;
      const rows = app.store.data.all(
        `SELECT * FROM ${quoteId(c.name)} WHERE ${quoteId(f.name)} = ? OR (json_valid(${quoteId(f.name)}) AND json_type(${quoteId(f.name)}) = 'array' AND EXISTS (SELECT 1 FROM json_each(${quoteId(f.name)}) WHERE value = ?))`,
        [record.id, record.id],
      );
      for (const row of rows) {
        const ref = RecordModel.fromRow(c, row);
        if (c.id === record.collection.id && ref.id === record.id) continue;
        if (f.cascadeDelete) {
          deleteRecordWithin(app, ref, depth + 1);
          continue;
        }
        const current = ref.get(f.name);
        const next = Array.isArray(current) ? current.filter((v: unknown) => v !== record.id) : '';
        if (f.required && (Array.isArray(next) ? next.length === 0 : next === '')) {
          throw badRequest('The record cannot be deleted because it is part of a required reference in another record.');
        }
        ref.set(f.name, next);
        updateRow(app, ref);
      }
    }
  }
}

/** The system collections whose rows belong to an auth record (collectionRef + recordRef). */
const AUTH_REF_COLLECTIONS = ['_externalAuths', '_mfas', '_otps', '_authOrigins'] as const;

// Deletes the rows of the given system collections that belong to an auth record, through the
// delete pipeline (hooks see them go, as PocketBase's do).
function deleteAuthRefs(app: TenantApp, record: RecordModel, names: readonly string[], depth: number): void {
  if (record.collection.type !== 'auth') return;
  for (const name of names) {
    const c = app.collections.find(name);
    if (!c) continue;
    const rows = app.store.data.all(`SELECT * FROM ${quoteId(c.name)} WHERE collectionRef = ? AND recordRef = ?`, [record.collection.id, record.id]);
    for (const row of rows) deleteRecordWithin(app, RecordModel.fromRow(c, row), depth + 1);
  }
}

function deleteRecordWithin(app: TenantApp, record: RecordModel, depth: number): void {
  runModelChange(app, 'Record', 'Delete', { app, record } as RecordEvent, {
    execute: (e) => {
      cleanReferences(app, e.record, depth);
      // An account's OAuth2 links, MFA sessions, codes and known devices go with it: a leftover
      // link would otherwise sign a later record with a reused id into the old provider account.
      deleteAuthRefs(app, e.record, AUTH_REF_COLLECTIONS, depth);
      app.store.data.run(`DELETE FROM ${quoteId(e.record.collection.name)} WHERE \`id\` = ?`, [e.record.id]);
      deleteRecordFiles(app, e.record);
    },
  });
}

/** Deletes a record, cascading or cleaning the relations that point at it. */
export function deleteRecord(app: TenantApp, record: RecordModel): void {
  assertWritable(record.collection);
  app.write(() => deleteRecordWithin(app, record, 0));
}

/** Deletes every record of a collection through the delete pipeline (cascades included). */
export function deleteAllRecords(app: TenantApp, collection: Collection): number {
  assertWritable(collection);
  return app.write(() => {
    let n = 0;
    for (;;) {
      const rows = app.store.data.all(`SELECT * FROM ${quoteId(collection.name)} LIMIT 500`);
      if (rows.length === 0) return n;
      for (const row of rows) {
        deleteRecordWithin(app, RecordModel.fromRow(collection, row), 0);
        n++;
      }
    }
  });
}

/** A new, empty record of a collection. */
export function newRecord(collection: Collection): RecordModel {
  const data: Record<string, unknown> = {};
  for (const f of collection.fields) data[f.name] = prepareValue(f, undefined);
  return new RecordModel(collection, data);
}
