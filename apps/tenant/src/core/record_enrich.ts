/** What a requester may see of a record: email visibility and the OnRecordEnrich event. */
import type { TenantApp } from './app.js';
import type { RecordModel } from './record_model.js';
import { recordMatchesRule } from './record_rules.js';
import type { RequestInfo } from './request_info.js';
import { isSuperuserAuth } from './request_info.js';

/** True when the requester manages `record` (superuser, or the collection's manageRule matches). */
export function canManage(app: TenantApp, record: RecordModel, info: RequestInfo): boolean {
  if (isSuperuserAuth(info)) return true;
  const rule = record.collection.auth?.manageRule;
  // null (and the invalid "") mean superusers only.
  if (!info.auth || !rule) return false;
  return recordMatchesRule(app, record.collection, record.id, rule, info);
}

/** Hides an auth record's email unless it is public or the requester is its owner or manager. */
export function enrichRecord(app: TenantApp, record: RecordModel, info: RequestInfo): void {
  if (isSuperuserAuth(info)) {
    for (const f of record.collection.fields) {
      if (f.hidden && f.type !== 'password' && f.name !== 'tokenKey') record.setVisible(f.name, true);
    }
  }
  if (record.collection.type === 'auth') {
    const owner = info.auth && info.auth.collection.id === record.collection.id && info.auth.id === record.id;
    const visible = Boolean(record.get('emailVisibility')) || owner || canManage(app, record, info);
    record.setVisible('email', visible);
  }
  app.hooks.trigger('OnRecordEnrich', { app, record, requestInfo: info });
}
