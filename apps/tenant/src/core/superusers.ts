/** Superuser management used by the CLI (and the control plane's admin sync). */
import { ApiError } from '../tools/router/api_error.js';
import { randomString } from '../tools/security/random.js';
import { TenantApp } from './app.js';
import { SUPERUSERS_ID } from './collection_model.js';
import type { Collection } from './collection_model.js';
import type { PasswordValue } from './fields/index.js';
import { findAuthRecordByIdentity } from './record_find.js';
import type { RecordModel } from './record_model.js';
import { applyInput, createRecord, newRecord, updateRecord } from './record_save.js';
import { passwordHash as storedHash } from './record_values.js';

function superusersCollection(app: TenantApp): Collection {
  const c = app.collections.findById(SUPERUSERS_ID);
  if (!c) throw new Error('the _superusers collection is missing');
  return c;
}

/** Creates the superuser or sets its password when it exists; returns it. */
export function upsertSuperuser(app: TenantApp, email: string, password: string): RecordModel {
  const c = superusersCollection(app);
  return app.write(() => {
    const existing = findAuthRecordByIdentity(app, c, 'email', email);
    const record = existing ?? newRecord(c);
    const errors = applyInput(record, { email, password, passwordConfirm: password, verified: true }, { privileged: true, superuser: true });
    return existing ? updateRecord(app, record, errors) : createRecord(app, record, errors);
  });
}

/** Deletes a superuser by email; returns false when there was none. */
export function deleteSuperuser(app: TenantApp, email: string): boolean {
  const c = app.collections.findById(SUPERUSERS_ID);
  if (!c) return false;
  const existing = findAuthRecordByIdentity(app, c, 'email', email);
  if (!existing) return false;
  app.write(() => app.store.data.run('DELETE FROM `_superusers` WHERE `id` = ?', [existing.id]));
  return true;
}

// The modular-crypt bcrypt forms Go's and bcryptjs's verifiers accept: $2a$/$2b$/$2y$, cost
// 04-31, 22 characters of salt + 31 of hash.
const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

/** Throws unless `hash` is a bcrypt hash ($2a$, $2b$ or $2y$). */
export function assertBcryptHash(hash: string): void {
  if (typeof hash !== 'string' || !BCRYPT_HASH.test(hash)) {
    // Never echo the value: it may be a plain password passed by mistake.
    throw new Error('passwordHash must be a bcrypt hash ($2a$, $2b$ or $2y$ followed by a cost and 53 characters)');
  }
}

/** The superuser to sync: its email, its bcrypt hash and, on an email change, the former email. */
export interface SuperuserSyncInput {
  email: string;
  /** bcrypt hash, stored as is (the control plane never sends the plain password). */
  passwordHash: string;
  /** The email the superuser had before; that record is renamed when `email` has none. */
  previousEmail?: string;
}

/** What a sync did: `created` a new superuser, or `changed` an existing one (both false: no-op). */
export interface SuperuserSyncResult {
  created: boolean;
  changed: boolean;
}

/** Options of syncPlatformSuperuser: the tenant's data dir (as `serve --dir/--db-dir`) and the superuser. */
export interface SyncPlatformSuperuserOptions extends SuperuserSyncInput {
  dir: string;
  dbDir?: string;
}

// The library caller gets one readable Error instead of the wire error type.
function describeSyncError(err: ApiError, email: string): Error {
  const details = Object.entries(err.data)
    .map(([field, e]) => `${field}: ${typeof e.message === 'string' ? e.message : JSON.stringify(e)}`)
    .join('; ');
  return new Error(`cannot sync superuser "${email}": ${err.message}${details ? ` (${details})` : ''}`, { cause: err });
}

/**
 * Upserts a superuser with a bcrypt hash stored verbatim (the control plane's admin sync).
 * A new hash or email rotates tokenKey, so tokens issued before stop working; when nothing
 * differs nothing is written.
 */
export function syncSuperuser(app: TenantApp, input: SuperuserSyncInput): SuperuserSyncResult {
  assertBcryptHash(input.passwordHash);
  const c = superusersCollection(app);
  const password: PasswordValue = { hash: input.passwordHash, plain: '' };
  const opts = { privileged: true, superuser: true };
  try {
    // One write transaction: the look-up and the save see the same state even while a
    // server process writes to the same database.
    return app.write((): SuperuserSyncResult => {
      let record = findAuthRecordByIdentity(app, c, 'email', input.email);
      if (!record && input.previousEmail) record = findAuthRecordByIdentity(app, c, 'email', input.previousEmail);
      if (!record) {
        const created = newRecord(c);
        const errors = applyInput(created, { email: input.email, verified: true }, opts);
        created.set('password', password);
        createRecord(app, created, errors);
        return { created: true, changed: true };
      }
      const hashChanged = storedHash(record.get('password')) !== input.passwordHash;
      const emailChanged = record.getString('email') !== input.email;
      if (!hashChanged && !emailChanged) return { created: false, changed: false };
      const errors = applyInput(record, { email: input.email }, opts);
      record.set('password', password);
      // The save pipeline rotates tokenKey for a new email or a new plain password; a new
      // hash arrives without plain text, so rotate here as PocketBase does on a password change.
      if (hashChanged) record.set('tokenKey', randomString(50));
      updateRecord(app, record, errors);
      return { created: false, changed: true };
    });
  } catch (err) {
    if (err instanceof ApiError) throw describeSyncError(err, input.email);
    throw err;
  }
}

/**
 * Opens a tenant data dir (initialising a fresh one), syncs the superuser and closes it.
 * Safe while `burrow-tenant serve` runs on the same dir: SQLite WAL with a busy timeout.
 */
export function syncPlatformSuperuser(opts: SyncPlatformSuperuserOptions): SuperuserSyncResult {
  // Checked before opening so that bad input never creates a data dir.
  assertBcryptHash(opts.passwordHash);
  const app = TenantApp.open({ dir: opts.dir, dbDir: opts.dbDir });
  try {
    return syncSuperuser(app, { email: opts.email, passwordHash: opts.passwordHash, previousEmail: opts.previousEmail });
  } finally {
    app.close();
  }
}
