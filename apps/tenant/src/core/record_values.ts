/** Record value conversions and checks, delegated to the field type handlers in ./fields. */
import type { FieldError } from '../tools/router/api_error.js';
import type { Field, PasswordField } from './collection_model.js';
import * as fields from './fields/index.js';
import type { FieldModifier, FieldValue, PasswordValue, ValueContext } from './fields/index.js';
import type { SqlValue } from './store.js';

export type { FieldModifier, FieldValue, ValueContext };

/** A column value read from SQLite into its in-memory form. */
export function valueFromDb(field: Field, raw: unknown): FieldValue {
  return fields.fromDb(field, raw);
}

/** An in-memory value as a SQLite bind value. */
export function valueToDb(field: Field, value: unknown): SqlValue {
  return fields.toDb(field, value as FieldValue);
}

/** An in-memory value as API JSON. */
export function valueToJSON(field: Field, value: unknown): unknown {
  return fields.toJSON(field, value as FieldValue);
}

/** A submitted value cast as PocketBase casts it (undefined gives the field's zero value). */
export function prepareValue(field: Field, raw: unknown): FieldValue {
  return fields.prepare(field, raw);
}

/** Applies a modifier; undefined when the field type ignores it. */
export function modifyValue(field: Field, current: unknown, modifier: FieldModifier, raw: unknown): FieldValue | undefined {
  return fields.modify(field, current as FieldValue, modifier, raw);
}

/** Validates one value; undefined when valid. */
export function validateValue(field: Field, value: unknown, ctx: ValueContext<FieldValue>): FieldError | undefined {
  return fields.validateValue(field, value as FieldValue, ctx) ?? undefined;
}

/** A random value for a text field's autogeneratePattern. */
export function generateAutoValue(field: Field): string {
  return field.type === 'text' && field.autogeneratePattern ? fields.generateFromPattern(field.autogeneratePattern) : '';
}

/** The password value with its bcrypt hash computed when a new plain password was set. */
export function finalizePassword(field: PasswordField, value: unknown): PasswordValue {
  return fields.finalizePassword(field, value as PasswordValue);
}

/** True when a new plain password was submitted for the value. */
export function passwordChanged(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as PasswordValue).plain !== '';
}

/** The stored bcrypt hash of a password value ('' when none). */
export function passwordHash(value: unknown): string {
  return typeof value === 'object' && value !== null ? (value as PasswordValue).hash : '';
}

/** Compares a password with a stored bcrypt hash (false for empty hashes). */
export function verifyPassword(hash: string, plain: string): boolean {
  return Boolean(hash) && fields.verifyPassword(hash, plain);
}

/** A bcrypt hash of a random value, compared when no account matches so timing reveals nothing. */
const DUMMY_HASH = '$2a$10$.tzrQTGnC5XLE46cfiGwBeU2qVfB6RXuK6hW.QQqvz3FcEKviVgiW';

/** Compares a password off the event loop; with an empty hash, spends the same time and fails. */
export async function verifyPasswordAsync(hash: string, plain: string): Promise<boolean> {
  if (!hash) {
    await fields.verifyPasswordAsync(DUMMY_HASH, plain);
    return false;
  }
  return fields.verifyPasswordAsync(hash, plain);
}

/** True when API input may set the field (false for autodate). */
export function isSettable(field: Field): boolean {
  return fields.isSettable(field);
}

/** Splits `name+`, `+name`, `name-`, `name:autogenerate` into the field name and modifier. */
export function parseModifierKey(key: string): { name: string; modifier?: FieldModifier } {
  return fields.parseModifierKey(key);
}
