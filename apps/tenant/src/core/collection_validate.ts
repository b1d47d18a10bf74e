/** Validation of a collection before it is saved, with PocketBase's error codes. */
import { parseIndex } from '../tools/dbutil/index_parser.js';
import type { ErrorData } from '../tools/router/api_error.js';
import { fieldError, ValidationError } from '../tools/router/api_error.js';
import type { TenantApp } from './app.js';
import type { Collection } from './collection_model.js';
import { fieldOptionErrors } from './field_ops.js';
import { validateOAuth2 } from './oauth2/config.js';
import { ruleError } from './record_rules.js';
import { viewQueryError } from './collection_view.js';

const NAME_RE = /^\w+$/;
/** Collection ids end up in storage paths: word characters only. */
const ID_RE = /^\w{1,100}$/;
/** Record JSON keys that no field may use. */
const RESERVED_FIELD_NAMES = new Set(['expand', 'collectionId', 'collectionName']);
/** Keys auth record bodies use for other purposes. */
const AUTH_RESERVED_FIELD_NAMES = new Set(['passwordConfirm', 'oldPassword']);
const RULE_KEYS = ['listRule', 'viewRule', 'createRule', 'updateRule', 'deleteRule'] as const;

function validateId(app: TenantApp, c: Collection, old: Collection | undefined, errors: ErrorData): void {
  if (old) return; // ids never change
  if (!ID_RE.test(c.id)) errors.id = fieldError('validation_match_invalid', 'Must be in a valid format.');
  else if (app.collections.findById(c.id) || app.collections.find(c.id)) {
    errors.id = fieldError('validation_collection_id_exists', 'Collection id must be unique.');
  }
}

function validateName(app: TenantApp, c: Collection, old: Collection | undefined, errors: ErrorData): void {
  if (!c.name) {
    errors.name = fieldError('validation_required', 'Cannot be blank.');
    return;
  }
  if (c.name.length > 255) {
    errors.name = fieldError('validation_length_too_long', 'The length must be no more than 255.');
    return;
  }
  if (!NAME_RE.test(c.name) || c.name.includes('_via_')) {
    errors.name = fieldError('validation_match_invalid', 'Must be in a valid format.');
    return;
  }
  if (old?.system && old.name !== c.name) {
    errors.name = fieldError('validation_collection_system_name_change', 'System collection name cannot be changed.');
    return;
  }
  const existing = app.collections.find(c.name);
  if (existing && existing.id !== c.id) {
    errors.name = fieldError('validation_collection_name_exists', 'Collection name must be unique (case insensitive).');
    return;
  }
  // A name already used by another table or view (not a collection) would clash in SQLite.
  if (!existing || existing.id !== c.id) {
    const clash = app.store.data.get(`SELECT 1 AS x FROM sqlite_master WHERE lower(name) = lower(?) AND type IN ('table','view')`, [c.name]);
    if (clash && (!old || old.name.toLowerCase() !== c.name.toLowerCase())) {
      errors.name = fieldError('validation_collection_name_invalid', 'The name shouldn\'t match with an existing internal table or view name.');
    }
  }
}

function validateFields(app: TenantApp, c: Collection, old: Collection | undefined, errors: ErrorData): void {
  const fieldErrors: ErrorData = {};
  const seenNames = new Map<string, number>();
  const seenIds = new Set<string>();
  c.fields.forEach((f, i) => {
    const fe: ErrorData = {};
    if (!f.name) fe.name = fieldError('validation_required', 'Cannot be blank.');
    else if (!NAME_RE.test(f.name) || f.name.length > 100) fe.name = fieldError('validation_match_invalid', 'Must be in a valid format.');
    else if (RESERVED_FIELD_NAMES.has(f.name) || (c.type === 'auth' && AUTH_RESERVED_FIELD_NAMES.has(f.name))) fe.name = fieldError('validation_not_in_invalid', 'Must not be one of the reserved names.');
    else if (seenNames.has(f.name.toLowerCase())) fe.name = fieldError('validation_duplicated_field_name', 'Duplicated or invalid field name ' + f.name + '.');
    if (seenIds.has(f.id)) fe.id = fieldError('validation_duplicated_field_id', 'Duplicated or invalid field id ' + f.id + '.');
    seenNames.set(f.name.toLowerCase(), i);
    seenIds.add(f.id);
    const prev = old?.fields.find((o) => o.id === f.id);
    if (prev && prev.type !== f.type) fe.type = fieldError('validation_field_type_change', 'Field type cannot be changed.');
    if (prev?.system && (prev.name !== f.name)) fe.name = fieldError('validation_system_field_change', 'System field name cannot be changed.');
    Object.assign(fe, fieldOptionErrors(f, { app, collection: c, old: prev }));
    if (Object.keys(fe).length) fieldErrors[String(i)] = fe;
  });
  if (old) {
    for (const prev of old.fields) {
      if (prev.system && !c.fields.some((f) => f.id === prev.id)) {
        errors.fields = fieldError('validation_system_field_change', 'System fields cannot be deleted.');
        return;
      }
    }
  }
  if (c.type !== 'view') {
    const id = c.fields.find((f) => f.name === 'id');
    if (!id || id.type !== 'text' || !id.primaryKey) {
      errors.fields = fieldError('validation_missing_primary_key', 'The collection must have a primary key text field named "id".');
      return;
    }
  }
  if (Object.keys(fieldErrors).length) errors.fields = fieldErrors;
}

function validateIndexes(c: Collection, errors: ErrorData): void {
  const idxErrors: ErrorData = {};
  const names = new Set<string>();
  const columns = new Set(c.fields.map((f) => f.name.toLowerCase()));
  c.indexes.forEach((sql, i) => {
    const def = parseIndex(sql);
    if (!def) {
      idxErrors[String(i)] = fieldError('validation_invalid_index_expression', 'Invalid CREATE INDEX expression.');
      return;
    }
    if (names.has(def.indexName.toLowerCase())) {
      idxErrors[String(i)] = fieldError('validation_duplicated_index_name', 'The index name must be unique.');
      return;
    }
    names.add(def.indexName.toLowerCase());
    for (const col of def.columns) {
      if (/^\w+$/.test(col.name) && !columns.has(col.name.toLowerCase())) {
        idxErrors[String(i)] = fieldError('validation_invalid_index_column', `Unknown index column "${col.name}".`);
        return;
      }
    }
  });
  if (c.type === 'view' && c.indexes.length) errors.indexes = fieldError('validation_indexes_not_supported', 'View collections don\'t support indexes.');
  else if (Object.keys(idxErrors).length) errors.indexes = idxErrors;
}

function validateRules(app: TenantApp, c: Collection, old: Collection | undefined, errors: ErrorData): void {
  if (old?.system) {
    // The rules of system collections are fixed: changing them could open _superusers to anyone.
    const changed: string[] = RULE_KEYS.filter((k) => c[k] !== old[k]);
    if (c.auth && old.auth && c.auth.authRule !== old.auth.authRule) changed.push('authRule');
    if (c.auth && old.auth && c.auth.manageRule !== old.auth.manageRule) changed.push('manageRule');
    for (const key of changed) errors[key] = fieldError('validation_collection_system_rule_change', 'System collection API rule cannot be changed.');
    if (changed.length) return;
  }
  for (const key of RULE_KEYS) {
    const rule = c[key];
    if (rule === null || rule === '') continue;
    if (c.type === 'view' && key !== 'listRule' && key !== 'viewRule') {
      errors[key] = fieldError('validation_nil_rule', 'View collections rules must be null.');
      continue;
    }
    const msg = ruleError(app, c, rule);
    if (msg) errors[key] = fieldError('validation_invalid_rule', `Invalid rule. Raw error: ${msg}`);
  }
  if (c.auth) {
    if (c.auth.manageRule === '') {
      errors.manageRule = fieldError('validation_nil_or_not_empty_required', 'Cannot be empty (use null to allow only superusers).');
    }
    for (const key of ['authRule', 'manageRule'] as const) {
      const rule = c.auth[key];
      if (rule === null || rule === '') continue;
      const msg = ruleError(app, c, rule);
      if (msg) errors[key] = fieldError('validation_invalid_rule', `Invalid rule. Raw error: ${msg}`);
    }
    const identity: ErrorData = {};
    c.auth.passwordAuth.identityFields.forEach((name, i) => {
      if (!c.fields.some((f) => f.name === name)) identity[String(i)] = fieldError('validation_missing_field', `Missing field "${name}".`);
    });
    if (Object.keys(identity).length) errors.passwordAuth = { identityFields: identity };
    const oauth2 = validateOAuth2(c.auth.oauth2);
    if (oauth2) errors.oauth2 = oauth2;
    for (const key of ['authToken', 'passwordResetToken', 'emailChangeToken', 'verificationToken', 'fileToken'] as const) {
      const t = c.auth[key];
      const te: ErrorData = {};
      if (!Number.isInteger(t.duration) || t.duration < 10 || t.duration > 94_670_856) {
        te.duration = fieldError('validation_min_greater_equal_than_required', 'Must be no less than 10.');
      }
      if (typeof t.secret !== 'string' || t.secret.length < 30 || t.secret.length > 255) {
        te.secret = fieldError('validation_length_out_of_range', 'The length must be between 30 and 255.');
      }
      if (Object.keys(te).length) errors[key] = te;
    }
  }
}

/** Throws ValidationError when the collection cannot be saved. */
export function validateCollection(app: TenantApp, c: Collection, old?: Collection): void {
  const errors: ErrorData = {};
  if (!['base', 'auth', 'view'].includes(c.type)) {
    errors.type = fieldError('validation_in_invalid', 'Must be a valid value.');
    throw new ValidationError(errors, old ? 'Failed to update collection.' : 'Failed to create collection.');
  }
  if (old && old.type !== c.type) errors.type = fieldError('validation_collection_type_change', 'Collection type cannot be changed.');
  validateId(app, c, old, errors);
  validateName(app, c, old, errors);
  if (c.type === 'view') {
    const msg = viewQueryError(app, c);
    if (msg) {
      errors.viewQuery = fieldError('validation_invalid_view_query', msg);
      if (c.fields.length === 0) errors.fields = fieldError('validation_required', 'Cannot be blank.');
    }
  }
  validateFields(app, c, old, errors);
  validateIndexes(c, errors);
  if (!errors.fields && !errors.name) validateRules(app, c, old, errors);
  if (Object.keys(errors).length) {
    throw new ValidationError(errors, old ? 'Failed to update collection.' : 'Failed to create collection.');
  }
}
