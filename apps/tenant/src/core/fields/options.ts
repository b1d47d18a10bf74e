/**
 * Shared option handling: default field ids, reading options from API JSON with Go's
 * json.Unmarshal leniency, and the id/name/help checks every field type runs.
 */
import { crc32 } from 'node:zlib';
import type { Field, FieldType } from '../collection_model.js';
import { runeCount } from './cast.js';
import {
  errLength, errMatch, errNotIn, errRequired, fieldError, FieldFormatError, type OptionErrors,
} from './errors.js';
import { toPbDateString } from './go_time.js';
import type { NormalizeResult } from './types.js';

/** PocketBase's id for a field added without one: type + decimal crc32 (IEEE) of the name. */
export function defaultFieldId(type: FieldType, name: string): string {
  return `${type}${crc32(name)}`;
}

/**
 * The id PocketBase assigns when adding an id-less field to a list that may already use
 * the base id: the base id, else base + "2", "3", ... up to 999.
 */
export function uniqueFieldId(type: FieldType, name: string, takenIds: ReadonlySet<string>): string {
  const base = defaultFieldId(type, name);
  let id = base;
  for (let i = 2; i < 1000 && takenIds.has(id); i++) id = `${base}${i}`;
  return id;
}

/** How one option is decoded from JSON. */
export type OptionKind =
  | 'string' | 'bool' | 'int' | 'float?' | 'strings?' | 'strings' | 'date';

/** Option name -> decoder, for every key a field type accepts. */
export type OptionSpec = Record<string, OptionKind>;

/** The options shared by all field types except autodate (which has no help/required). */
export const BASE_SPEC: OptionSpec = {
  id: 'string', name: 'string', system: 'bool', hidden: 'bool', presentable: 'bool', help: 'string', required: 'bool',
};

function decode(key: string, kind: OptionKind, v: unknown): unknown {
  // JSON null leaves Go struct fields untouched (except pointers and slices, which become nil).
  if (v === null) return kind === 'float?' || kind === 'strings?' ? null : undefined;
  switch (kind) {
    case 'string':
      if (typeof v !== 'string') throw new FieldFormatError(key, 'a string');
      return v;
    case 'bool':
      if (typeof v !== 'boolean') throw new FieldFormatError(key, 'a boolean');
      return v;
    case 'int':
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new FieldFormatError(key, 'an integer');
      return v;
    case 'float?':
      if (typeof v !== 'number') throw new FieldFormatError(key, 'a number');
      return v;
    case 'strings?':
    case 'strings':
      if (!Array.isArray(v)) throw new FieldFormatError(key, 'an array of strings');
      return v.map((item: unknown) => {
        if (item === null) return '';
        if (typeof item !== 'string') throw new FieldFormatError(key, 'an array of strings');
        return item;
      });
    case 'date':
      if (typeof v !== 'string') throw new FieldFormatError(key, 'a date string');
      return toPbDateString(v);
  }
}

/**
 * Decodes `raw` onto `defaults` like Go's json.Unmarshal into the field struct: keys
 * match case-insensitively, unknown keys are dropped, null keeps the default, a wrong
 * JSON type fails the whole field.
 */
export function readOptions<F extends Field>(raw: unknown, defaults: F, spec: OptionSpec): NormalizeResult<F> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, error: new FieldFormatError('', 'a field object') };
  }
  const byLower = new Map(Object.keys(spec).map((k) => [k.toLowerCase(), k]));
  const out: Record<string, unknown> = { ...defaults };
  try {
    for (const [rawKey, value] of Object.entries(raw as Record<string, unknown>)) {
      const key = Object.hasOwn(spec, rawKey) ? rawKey : byLower.get(rawKey.toLowerCase());
      if (key === undefined) continue;
      const decoded = decode(key, spec[key], value);
      if (decoded !== undefined) out[key] = decoded;
    }
  } catch (err) {
    if (err instanceof FieldFormatError) return { ok: false, error: err };
    throw err;
  }
  // The type tag always stays the handler's own.
  out.type = defaults.type;
  return { ok: true, field: out as F };
}

const FIELD_NAME = /^\w+$/;
const RESERVED_NAMES = ['null', 'true', 'false', '_rowid_', 'collectionId', 'collectionName', 'expand'];

/** PocketBase's DefaultFieldIdValidationRule. */
export function validateFieldId(id: string): ReturnType<typeof errRequired> | undefined {
  if (id === '') return errRequired();
  const n = runeCount(id);
  if (n < 1 || n > 100) return errLength(1, 100);
  return undefined;
}

/** PocketBase's DefaultFieldNameValidationRule. */
export function validateFieldName(name: string): ReturnType<typeof errRequired> | undefined {
  if (name === '') return errRequired();
  const n = runeCount(name);
  if (n < 1 || n > 100) return errLength(1, 100);
  if (!FIELD_NAME.test(name)) return errMatch();
  if (RESERVED_NAMES.includes(name)) return errNotIn();
  if (name.toLowerCase().includes('_via_')) {
    return fieldError('validation_found_via', 'The value cannot contain "_via_".');
  }
  return undefined;
}

/** PocketBase's DefaultFieldHelpValidationRule (empty help is fine). */
export function validateFieldHelp(help: string | undefined): ReturnType<typeof errRequired> | undefined {
  if (!help) return undefined;
  return runeCount(help) > 300 ? errLength(1, 300) : undefined;
}

/** Runs the id, name and help checks common to all field types into `errors`. */
export function validateBase(field: Field, errors: OptionErrors, withHelp = true): OptionErrors {
  const id = validateFieldId(field.id);
  if (id) errors.id = id;
  const name = validateFieldName(field.name);
  if (name) errors.name = name;
  if (withHelp) {
    const help = validateFieldHelp(field.help);
    if (help) errors.help = help;
  }
  return errors;
}
