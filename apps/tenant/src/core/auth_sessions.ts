/**
 * The records behind the multi-step auth flows, kept in PocketBase's system collections:
 * `_mfas` (a first factor waiting for a second), `_otps` (one-time passwords, bcrypt-hashed)
 * and `_authOrigins` (devices a record logged in from, for login alerts). All writes go
 * through the record pipeline, so hooks see them as PocketBase's do.
 */
import { createHash } from 'node:crypto';
import { formatDate, parseDate } from '../tools/types/datetime.js';
import type { TenantApp } from './app.js';
import type { Collection } from './collection_model.js';
import { RecordModel } from './record_model.js';
import { applyInput, createRecord, deleteRecord, newRecord, updateRecord } from './record_save.js';
import { passwordHash, verifyPassword } from './record_values.js';
import { quoteId } from './store.js';

/** Most recent origins kept per record. */
export const MAX_AUTH_ORIGINS = 5;

function system(app: TenantApp, name: '_mfas' | '_otps' | '_authOrigins'): Collection {
  const c = app.collections.find(name);
  if (!c) throw new Error(`missing system collection ${name}`);
  return c;
}

function create(app: TenantApp, name: '_mfas' | '_otps' | '_authOrigins', data: Record<string, unknown>): RecordModel {
  const r = newRecord(system(app, name));
  const errors = applyInput(r, data, { privileged: true, superuser: true });
  return createRecord(app, r, errors);
}

/** Records of a system collection that belong to an auth record, newest first. */
function byOwner(app: TenantApp, name: '_mfas' | '_otps' | '_authOrigins', owner: RecordModel): RecordModel[] {
  const c = system(app, name);
  return app.store.data
    .all(`SELECT * FROM ${quoteId(c.name)} WHERE collectionRef = ? AND recordRef = ? ORDER BY created DESC, rowid DESC`, [owner.collection.id, owner.id])
    .map((row) => RecordModel.fromRow(c, row));
}

function find(app: TenantApp, name: '_mfas' | '_otps', id: string): RecordModel | undefined {
  const c = system(app, name);
  const row = app.store.data.get(`SELECT * FROM ${quoteId(c.name)} WHERE id = ?`, [id]);
  return row ? RecordModel.fromRow(c, row) : undefined;
}

/** Whether a session record created at `created` is older than `durationSec`. */
export function hasExpired(app: TenantApp, r: RecordModel, durationSec: number): boolean {
  const created = parseDate(r.get('created'));
  return !created || created.getTime() + durationSec * 1000 < app.now().getTime();
}

/** Starts an MFA session after a first factor. */
export function createMFA(app: TenantApp, owner: RecordModel, method: string): RecordModel {
  return create(app, '_mfas', { collectionRef: owner.collection.id, recordRef: owner.id, method });
}

/** An MFA session by id. */
export const findMFA = (app: TenantApp, id: string) => find(app, '_mfas', id);

/** An OTP by id. */
export const findOTP = (app: TenantApp, id: string) => find(app, '_otps', id);

/** The OTPs of a record, newest first. */
export const otpsOf = (app: TenantApp, owner: RecordModel) => byOwner(app, '_otps', owner);

/** Stores a new OTP (its password bcrypt-hashed). */
export function createOTP(app: TenantApp, owner: RecordModel, password: string): RecordModel {
  return create(app, '_otps', { collectionRef: owner.collection.id, recordRef: owner.id, password });
}

/** Whether `plain` is the OTP's password. */
export function otpMatches(otp: RecordModel, plain: string): boolean {
  return verifyPassword(passwordHash(otp.get('password')), plain);
}

/** Deletes a session record (MFA, OTP or origin). */
export function deleteSessionRecord(app: TenantApp, r: RecordModel): void {
  deleteRecord(app, r);
}

/** Deletes the expired MFA sessions or OTPs of every auth collection (the cleanup cron jobs). */
export function deleteExpired(app: TenantApp, name: '_mfas' | '_otps'): number {
  let n = 0;
  const c = system(app, name);
  for (const auth of app.collections.all()) {
    if (auth.type !== 'auth' || !auth.auth) continue;
    const duration = name === '_mfas' ? auth.auth.mfa.duration : auth.auth.otp.duration;
    const before = formatDate(new Date(app.now().getTime() - duration * 1000));
    const rows = app.store.data.all(`SELECT * FROM ${quoteId(c.name)} WHERE collectionRef = ? AND created < ?`, [auth.id, before]);
    app.write(() => {
      for (const row of rows) deleteRecord(app, RecordModel.fromRow(c, row));
    });
    n += rows.length;
  }
  return n;
}

/** The fingerprint of a device: md5 of IP and user agent, as PocketBase. */
export function originFingerprint(ip: string, userAgent: string): string {
  return createHash('md5').update(ip + userAgent).digest('hex');
}

/**
 * Records a login origin. Returns whether it is new for a record that had logged in
 * before (the case for a login alert). Keeps the newest MAX_AUTH_ORIGINS.
 */
export function rememberOrigin(app: TenantApp, owner: RecordModel, fingerprint: string): { isNewDevice: boolean; save: () => void } {
  const origins = byOwner(app, '_authOrigins', owner);
  const current = origins.find((o) => o.getString('fingerprint') === fingerprint);
  const isNewDevice = origins.length > 0 && !current;
  const save = () => app.write(() => {
    if (current) {
      updateRecord(app, current); // refreshes `updated`
      return;
    }
    for (const old of origins.slice(MAX_AUTH_ORIGINS - 1)) deleteRecord(app, old);
    create(app, '_authOrigins', { collectionRef: owner.collection.id, recordRef: owner.id, fingerprint });
  });
  return { isNewDevice, save };
}
