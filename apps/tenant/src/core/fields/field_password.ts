/** The "password" field: bcrypt hashes; plain text only transiently while saving. */
import bcrypt from 'bcryptjs';
import type { PasswordField } from '../collection_model.js';
import { byteLength, runeCount, toGoString } from './cast.js';
import { errInvalidValue, errMaxThreshold, errMinThreshold, errRequired, fieldError } from './errors.js';
import { BASE_SPEC, defaultFieldId, readOptions, validateBase } from './options.js';
import { matchesPattern, validateRegex } from './patterns.js';
import type { FieldHandler } from './types.js';

/** A password field's value: the stored hash and, after input, the pending plain text. */
export interface PasswordValue {
  hash: string;
  plain: string;
}

/** bcrypt cost used when the field's cost is 0. */
export const DEFAULT_BCRYPT_COST = 10;
/** The length limit (runes) when max is 0. */
export const DEFAULT_PASSWORD_MAX = 71;
// bcrypt refuses longer input (Go's bcrypt returns an error, PocketBase answers "Invalid value.").
const BCRYPT_MAX_BYTES = 72;

/** Hashes `plain` with the field's cost (10 when 0), in Go's "$2a$" format. */
export function hashPassword(field: PasswordField, plain: string): string {
  const cost = field.cost > 0 ? field.cost : DEFAULT_BCRYPT_COST;
  // bcryptjs writes "$2b$"; the algorithm is the same for inputs up to 72 bytes, and
  // "$2a$" keeps the database interchangeable with PocketBase.
  return bcrypt.hashSync(plain, cost).replace(/^\$2b\$/, '$2a$');
}

/** hashPassword without blocking the event loop for the whole hash (bcryptjs yields between rounds). */
export async function hashPasswordAsync(field: PasswordField, plain: string): Promise<string> {
  const cost = field.cost > 0 ? field.cost : DEFAULT_BCRYPT_COST;
  return (await bcrypt.hash(plain, cost)).replace(/^\$2b\$/, '$2a$');
}

/** verifyPassword without blocking the event loop for the whole comparison. */
export async function verifyPasswordAsync(hash: string, plain: string): Promise<boolean> {
  if (hash === '') return false;
  try {
    return await bcrypt.compare(plain, hash);
  } catch {
    return false;
  }
}

/** True when `plain` matches the bcrypt `hash`; false for an empty or malformed hash. */
export function verifyPassword(hash: string, plain: string): boolean {
  if (hash === '') return false;
  try {
    return bcrypt.compareSync(plain, hash);
  } catch {
    return false;
  }
}

/** The value to persist: hashes a pending plain password (call after validation, before toDb). */
export function finalizePassword(field: PasswordField, value: PasswordValue): PasswordValue {
  if (value.plain === '' || value.hash !== '') return value;
  return { hash: hashPassword(field, value.plain), plain: value.plain };
}

/** finalizePassword with the asynchronous hash. */
export async function finalizePasswordAsync(field: PasswordField, value: PasswordValue): Promise<PasswordValue> {
  if (value.plain === '' || value.hash !== '') return value;
  return { hash: await hashPasswordAsync(field, value.plain), plain: value.plain };
}

function passwordDefaults(name: string, id?: string): PasswordField {
  return {
    cost: 0, help: '', hidden: false, id: id ?? defaultFieldId('password', name), max: 0, min: 0, name, pattern: '',
    presentable: false, required: false, system: false, type: 'password',
  };
}

const SPEC = { ...BASE_SPEC, pattern: 'string', min: 'int', max: 'int', cost: 'int' } as const;

/**
 * Handler of "password" fields. prepare keeps the plain text pending (an empty input
 * clears the password); finalizePassword hashes it; toJSON never reveals anything.
 */
export const passwordField: FieldHandler<PasswordField, PasswordValue> = {
  type: 'password',
  settable: true,
  defaults: passwordDefaults,
  normalizeOptions: (raw) => readOptions(raw, passwordDefaults('', ''), SPEC),
  validateOptions(field) {
    const errors = validateBase(field, {});
    // ozzo's Min/Max skip zero values, so 0 means "no limit".
    if (field.min !== 0 && field.min < 1) errors.min = errMinThreshold(1);
    else if (field.min > DEFAULT_PASSWORD_MAX) errors.min = errMaxThreshold(DEFAULT_PASSWORD_MAX);
    if (field.max !== 0 && field.max < field.min) errors.max = errMinThreshold(field.min);
    else if (field.max > DEFAULT_PASSWORD_MAX) errors.max = errMaxThreshold(DEFAULT_PASSWORD_MAX);
    if (field.cost !== 0 && field.cost < 4) errors.cost = errMinThreshold(4);
    else if (field.cost > 31) errors.cost = errMaxThreshold(31);
    const pattern = validateRegex(field.pattern);
    if (pattern) errors.pattern = pattern;
    return errors;
  },
  columnDefinition: () => "TEXT DEFAULT '' NOT NULL",
  zeroValue: () => ({ hash: '', plain: '' }),
  fromDb: (_field, raw) => ({ hash: toGoString(raw), plain: '' }),
  prepare: (_field, input) => ({ hash: '', plain: toGoString(input) }),
  modify: () => undefined,
  validateValue(field, value) {
    if (byteLength(value.plain) > BCRYPT_MAX_BYTES) return errInvalidValue();
    if (field.required && value.hash === '' && value.plain === '') return errRequired();
    if (value.plain === '') return null;
    const length = runeCount(value.plain);
    // These messages are preformatted in PocketBase, hence no params.
    if (length < field.min) return fieldError('validation_min_text_constraint', `Must be at least ${field.min} character(s)`);
    const max = field.max <= 0 ? DEFAULT_PASSWORD_MAX : field.max;
    if (length > max) return fieldError('validation_max_text_constraint', `Must be less than ${max} character(s)`);
    if (field.pattern !== '' && !matchesPattern(field.pattern, value.plain)) {
      return fieldError('validation_invalid_format', 'Invalid value format');
    }
    return null;
  },
  toDb(_field, value) {
    if (value.plain !== '' && value.hash === '') throw new Error('password must be hashed (finalizePassword) before it is stored');
    return value.hash;
  },
  toJSON: () => '',
};
