/** Turns collection API input (create, update, import) into a full Collection. */
import { randomString } from '../tools/security/random.js';
import { crc32 } from 'node:zlib';
import type { ErrorData } from '../tools/router/api_error.js';
import { fieldError } from '../tools/router/api_error.js';
import { nowString } from '../tools/types/datetime.js';
import { authIndexes, authSystemFields, defaultAuthOptions, idField } from './collection_defaults.js';
import type { AuthOptions, Collection, CollectionType, Field } from './collection_model.js';
import { newFieldId, normalizeFieldInput } from './field_ops.js';
import { normalizeProviders } from './oauth2/config.js';
import { isPlainObject } from '../tools/types/objects.js';

const RULE_KEYS = ['listRule', 'viewRule', 'createRule', 'updateRule', 'deleteRule'] as const;


/** A new collection id in PocketBase's `pbc_<digits>` form. */
export function newCollectionId(name: string): string {
  return 'pbc_' + crc32(name + randomString(10));
}

/** Result of reading input: the collection and errors found while reading it. */
export interface CollectionInputResult {
  collection: Collection;
  errors: ErrorData;
}

function readRule(raw: unknown, current: string | null): string | null {
  if (raw === undefined) return current;
  if (raw === null) return null;
  return String(raw);
}

// Merges a partial auth options object into the current ones; secrets stay unless given.
function mergeAuth(current: AuthOptions, raw: Record<string, unknown>, errors: ErrorData): AuthOptions {
  const next = structuredClone(current) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(raw)) {
    if (!(key in next)) continue;
    const cur = next[key];
    if (key === 'authRule' || key === 'manageRule') {
      next[key] = value === null ? null : value === undefined ? cur : String(value);
    } else if (isPlainObject(cur)) {
      if (!isPlainObject(value)) {
        if (value !== undefined && value !== null) errors[key] = fieldError('validation_invalid_value', 'Invalid value.');
        continue;
      }
      const merged: Record<string, unknown> = { ...cur };
      for (const [k, v] of Object.entries(value)) {
        if (!(k in cur)) continue;
        if (k === 'secret' && (v === '' || v === undefined)) continue;
        if (key === 'oauth2' && k === 'providers') merged[k] = normalizeProviders(v, Array.isArray(cur.providers) ? cur.providers : []);
        // mappedFields merges key by key, as PocketBase's JSON decoding into the existing struct does
        else if (key === 'oauth2' && k === 'mappedFields' && isPlainObject(v) && isPlainObject(cur.mappedFields)) merged[k] = { ...cur.mappedFields, ...v };
        else merged[k] = v;
      }
      next[key] = merged;
    }
  }
  return next as unknown as AuthOptions;
}

/** Normalises the submitted fields list; fields without id reuse an existing field's id by name. */
function readFields(raw: unknown, existing: Field[], errors: ErrorData): Field[] {
  if (raw === undefined) return existing.map((f) => structuredClone(f));
  if (!Array.isArray(raw)) {
    errors.fields = fieldError('validation_invalid_value', 'Invalid fields list.');
    return existing.map((f) => structuredClone(f));
  }
  const out: Field[] = [];
  const taken = new Set(existing.map((f) => f.id));
  raw.forEach((item) => {
    const field = normalizeFieldInput(item);
    if (!field.id) {
      const byName = existing.find((f) => f.name === field.name) ?? out.find((f) => f.name === field.name);
      field.id = byName ? byName.id : newFieldId(field, taken);
    }
    taken.add(field.id);
    // Later definitions of the same name replace earlier ones (as PocketBase's fields list does).
    const dup = out.findIndex((f) => f.name === field.name && field.name !== '');
    if (dup >= 0) out[dup] = { ...field, id: out[dup].id };
    else out.push(field);
  });
  return out;
}

// Puts the system fields an auth/base collection must have in front when missing.
function ensureSystemFields(type: CollectionType, fields: Field[]): Field[] {
  if (type === 'view') return fields;
  const required = type === 'auth' ? authSystemFields() : [idField()];
  const missing = required.filter((r) => !fields.some((f) => f.name === r.name));
  return [...missing, ...fields];
}

/** Reads a create request into a new collection. */
export function collectionFromCreateInput(raw: unknown): CollectionInputResult {
  const errors: ErrorData = {};
  const input = isPlainObject(raw) ? raw : {};
  const type = (input.type === undefined || input.type === '' ? 'base' : String(input.type)) as CollectionType;
  const name = typeof input.name === 'string' ? input.name.trim() : input.name === undefined ? '' : String(input.name);
  const now = nowString();
  const id = typeof input.id === 'string' && input.id ? input.id : newCollectionId(name);
  const fields = ensureSystemFields(type, readFields(input.fields, [], errors));
  const c: Collection = {
    id, name, type, system: false, fields,
    indexes: Array.isArray(input.indexes) ? input.indexes.map(String) : [],
    listRule: readRule(input.listRule, null), viewRule: readRule(input.viewRule, null),
    createRule: readRule(input.createRule, null), updateRule: readRule(input.updateRule, null),
    deleteRule: readRule(input.deleteRule, null),
    created: now, updated: now,
  };
  if (input.indexes !== undefined && !Array.isArray(input.indexes) && input.indexes !== null) {
    errors.indexes = fieldError('validation_invalid_value', 'Invalid indexes list.');
  }
  if (type === 'view') c.viewQuery = typeof input.viewQuery === 'string' ? input.viewQuery : '';
  if (type === 'auth') {
    c.auth = mergeAuth(defaultAuthOptions(false), input, errors);
    ensureAuthIndexes(c);
  }
  return { collection: c, errors };
}

// Auth collections always keep their unique tokenKey and email indexes.
function ensureAuthIndexes(c: Collection): void {
  for (const sql of authIndexes(c.id, c.name)) {
    const name = /INDEX `([^`]+)`/.exec(sql)?.[1];
    if (name && !c.indexes.some((i) => i.includes(name))) c.indexes.push(sql);
  }
}

/** Reads an update request on top of an existing collection. */
export function collectionFromUpdateInput(existing: Collection, raw: unknown): CollectionInputResult {
  const errors: ErrorData = {};
  const input = isPlainObject(raw) ? raw : {};
  const c: Collection = structuredClone(existing);
  if (input.name !== undefined) c.name = String(input.name).trim();
  if (input.type !== undefined && input.type !== existing.type) {
    errors.type = fieldError('validation_collection_type_change', 'Collection type cannot be changed.');
  }
  c.fields = readFields(input.fields, existing.fields, errors);
  if (input.fields !== undefined) c.fields = ensureSystemFields(c.type, c.fields);
  if (Array.isArray(input.indexes)) c.indexes = input.indexes.map(String);
  else if (input.indexes === null) c.indexes = [];
  for (const key of RULE_KEYS) c[key] = readRule(input[key], existing[key]);
  if (c.type === 'view' && input.viewQuery !== undefined) c.viewQuery = String(input.viewQuery ?? '');
  if (c.type === 'auth' && c.auth) {
    c.auth = mergeAuth(c.auth, input, errors);
    ensureAuthIndexes(c);
  }
  c.updated = nowString();
  return { collection: c, errors };
}

