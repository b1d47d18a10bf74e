/** Superuser management used by the CLI (and the control plane's admin sync). */
import type { TenantApp } from './app.js';
import { SUPERUSERS_ID } from './collection_model.js';
import { findAuthRecordByIdentity } from './record_find.js';
import type { RecordModel } from './record_model.js';
import { applyInput, createRecord, newRecord, updateRecord } from './record_save.js';

/** Creates the superuser or sets its password when it exists; returns it. */
export function upsertSuperuser(app: TenantApp, email: string, password: string): RecordModel {
  const c = app.collections.findById(SUPERUSERS_ID);
  if (!c) throw new Error('the _superusers collection is missing');
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
