/**
 * The record CRUD actions, independent of Fastify: the HTTP routes and the batch API both call
 * them. Each action is synchronous once the body is parsed, so a batch can run several inside
 * one SQLite transaction.
 */
import type { TenantApp } from '../core/app.js';
import type { Collection } from '../core/collection_model.js';
import { canManage, enrichRecord } from '../core/record_enrich.js';
import { expandRecords } from '../core/record_expand.js';
import { findRecordById } from '../core/record_find.js';
import type { RecordModel } from '../core/record_model.js';
import { listRecords } from '../core/record_query.js';
import { recordMatchesRule } from '../core/record_rules.js';
import { withUploads } from '../core/record_files.js';
import { applyInput, createRecord, deleteRecord, newRecord, updateRecord } from '../core/record_save.js';
import type { RequestInfo } from '../core/request_info.js';
import { isSuperuserAuth } from '../core/request_info.js';
import { badRequest, forbidden, notFound } from '../tools/router/api_error.js';
import type { ParsedBody } from './body.js';

/** A record action's input. */
export interface RecordActionInput {
  collection: string;
  id?: string;
  info: RequestInfo;
  body: ParsedBody;
  /** Key prefix of this request's uploads in a shared multipart body (batch). */
  uploadPrefix?: string;
}

/** A record action's result. */
export interface ActionResult {
  status: number;
  body: unknown;
}

const SUPERUSERS_ONLY = 'Only superusers can perform this action.';

function collectionOr404(app: TenantApp, idOrName: string): Collection {
  const c = app.collections.find(idOrName);
  if (!c) throw notFound('Missing collection context.');
  return c;
}

/** Expands and enriches records for the response, as the requester may see them. */
export function presentRecords(app: TenantApp, records: RecordModel[], info: RequestInfo): void {
  for (const r of records) enrichRecord(app, r, info);
  const expand = info.query.expand ?? '';
  if (expand) expandRecords(app, records, expand, info, (r) => enrichRecord(app, r, info));
}

// The submitted values with the request's uploads merged in (batch sub-requests name theirs
// "requests.N.field").
function submitted(c: Collection, input: RecordActionInput): Record<string, unknown> {
  return withUploads(c, input.body.data, input.body.files, input.uploadPrefix ?? '');
}

/** GET records list. */
export function listAction(app: TenantApp, input: RecordActionInput): ActionResult {
  const c = collectionOr404(app, input.collection);
  const q = input.info.query;
  let body: unknown;
  app.hooks.trigger('OnRecordsListRequest', { app, collection: c, requestInfo: input.info }, () => {
    const result = listRecords(app, c, { page: q.page, perPage: q.perPage, sort: q.sort, filter: q.filter, skipTotal: q.skipTotal }, input.info);
    presentRecords(app, result.items, input.info);
    body = { ...result, items: result.items.map((r) => r.toJSON()) };
  });
  return { status: 200, body };
}

// Loads a record the requester may access through `rule` (null rule = superusers only).
function loadWithRule(app: TenantApp, c: Collection, id: string, rule: string | null, info: RequestInfo): RecordModel {
  const superuser = isSuperuserAuth(info);
  if (rule === null && !superuser) throw forbidden(SUPERUSERS_ONLY);
  const record = findRecordById(app, c, id);
  if (!record) throw notFound();
  if (!superuser && rule !== null && rule !== '' && !recordMatchesRule(app, c, id, rule, info)) throw notFound();
  return record;
}

/** GET one record. */
export function viewAction(app: TenantApp, input: RecordActionInput): ActionResult {
  const c = collectionOr404(app, input.collection);
  let body: unknown;
  app.hooks.trigger('OnRecordViewRequest', { app, collection: c, requestInfo: input.info }, () => {
    const record = loadWithRule(app, c, input.id ?? '', c.viewRule, input.info);
    presentRecords(app, [record], input.info);
    body = record.toJSON();
  });
  return { status: 200, body };
}

// The saved record as the response shows it (PocketBase answers with the in-memory model too).
function savedForResponse(app: TenantApp, record: RecordModel, info: RequestInfo): unknown {
  presentRecords(app, [record], info);
  return record.toJSON();
}

/** POST a new record. */
export function createAction(app: TenantApp, input: RecordActionInput): ActionResult {
  const c = collectionOr404(app, input.collection);
  const info = input.info;
  const superuser = isSuperuserAuth(info);
  if (c.createRule === null && !superuser) throw forbidden(SUPERUSERS_ONLY);
  if (c.type === 'view') throw badRequest('Unsupported collection type.');
  let body: unknown;
  app.write(() => {
    const record = newRecord(c);
    const inputErrors = applyInput(record, submitted(c, input), { privileged: superuser, superuser });
    app.hooks.trigger('OnRecordCreateRequest', { app, collection: c, record, requestInfo: info }, (e) => {
      createRecord(app, e.record, inputErrors);
      // The create rule is checked against the stored values; a miss rolls the insert back.
      if (!superuser && c.createRule && !recordMatchesRule(app, c, e.record.id, c.createRule, info)) {
        throw badRequest('Failed to create record.');
      }
      body = savedForResponse(app, e.record, info);
    });
  });
  return { status: 200, body };
}

/** PATCH an existing record. */
export function updateAction(app: TenantApp, input: RecordActionInput): ActionResult {
  const c = collectionOr404(app, input.collection);
  const info = input.info;
  if (c.type === 'view') throw badRequest('Unsupported collection type.');
  let body: unknown;
  app.write(() => {
    const record = loadWithRule(app, c, input.id ?? '', c.updateRule, info);
    const superuser = isSuperuserAuth(info);
    const privileged = c.type === 'auth' ? canManage(app, record, info) : superuser;
    const inputErrors = applyInput(record, submitted(c, input), { privileged, superuser });
    app.hooks.trigger('OnRecordUpdateRequest', { app, collection: c, record, requestInfo: info }, (e) => {
      updateRecord(app, e.record, inputErrors);
      body = savedForResponse(app, e.record, info);
    });
  });
  return { status: 200, body };
}

/** DELETE a record. */
export function deleteAction(app: TenantApp, input: RecordActionInput): ActionResult {
  const c = collectionOr404(app, input.collection);
  if (c.type === 'view') throw badRequest('Unsupported collection type.');
  app.write(() => {
    const record = loadWithRule(app, c, input.id ?? '', c.deleteRule, input.info);
    app.hooks.trigger('OnRecordDeleteRequest', { app, collection: c, record, requestInfo: input.info }, (e) => deleteRecord(app, e.record));
  });
  return { status: 204, body: null };
}
