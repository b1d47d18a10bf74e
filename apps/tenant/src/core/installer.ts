/**
 * First run: a data dir without any superuser gets a system superuser (PocketBase's
 * `__pbinstaller@example.com`, random password) whose short-lived, non-refreshable token opens
 * the dashboard's installer screen (`/_/#/pbinstall/<token>`, printed by `serve`), where the
 * first real superuser is created through the ordinary records API. Creating any other
 * superuser deletes the system one, in the same transaction.
 */
import bcrypt from 'bcryptjs';
import { randomString } from '../tools/security/random.js';
import type { TenantApp } from './app.js';
import { SUPERUSERS_ID } from './collection_model.js';
import { findAuthRecordByIdentity } from './record_find.js';
import type { RecordModel } from './record_model.js';
import { applyInput, createRecord, newRecord } from './record_save.js';
import { newRecordToken } from './tokens.js';

/** The system superuser's email (PocketBase's). */
export const INSTALLER_EMAIL = '__pbinstaller@example.com';

/** How long the installer link works (PocketBase: 30 minutes). */
const INSTALLER_TOKEN_SECONDS = 30 * 60;

/** Whether there is no superuser but the system one. */
export function needsInstaller(app: TenantApp): boolean {
  const row = app.store.data.get<{ n: number }>('SELECT COUNT(*) AS n FROM `_superusers` WHERE `email` != ?', [INSTALLER_EMAIL]);
  return (row?.n ?? 0) === 0;
}

/** The installer's dashboard URL under `baseUrl`, or undefined when a superuser exists. */
export function installerUrl(app: TenantApp, baseUrl: string): string | undefined {
  if (!needsInstaller(app)) return undefined;
  const c = app.collections.findById(SUPERUSERS_ID);
  if (!c) return undefined;
  const record: RecordModel = app.write(() => {
    const existing = findAuthRecordByIdentity(app, c, 'email', INSTALLER_EMAIL);
    if (existing) return existing;
    const fresh = newRecord(c);
    const errors = applyInput(fresh, { email: INSTALLER_EMAIL, verified: true }, { privileged: true, superuser: true });
    // Nobody ever logs in with this password (40 random characters), so the cheapest bcrypt
    // cost does: a cost-10 hash made the first boot of a new instance ~100 ms slower.
    fresh.set('password', { hash: bcrypt.hashSync(randomString(40), 4), plain: '' });
    return createRecord(app, fresh, errors);
  });
  const token = newRecordToken(app, record, 'auth', { duration: INSTALLER_TOKEN_SECONDS, refreshable: false });
  return `${baseUrl.replace(/\/+$/, '')}/_/#/pbinstall/${token}`;
}

/** Deletes the system superuser once a real one is created. */
export function bindInstallerCleanup(app: TenantApp): void {
  app.hooks.on<{ record: RecordModel }>('OnRecordCreateExecute', (e) => {
    e.next();
    if (e.record.collection.id !== SUPERUSERS_ID || e.record.getString('email') === INSTALLER_EMAIL) return;
    app.store.data.run('DELETE FROM `_superusers` WHERE `email` = ?', [INSTALLER_EMAIL]);
  });
}
