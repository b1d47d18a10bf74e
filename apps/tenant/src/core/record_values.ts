/** Record value conversions and checks, delegated to the field type handlers in ./fields. */
import type { FieldError } from '../tools/router/api_error.js';
import type { Field } from './collection_model.js';
import * as fields from './fields/index.js';
import type { SqlValue } from './store.js';

/** What value validation may look up. */
export interface ValueContext {
  isNew: boolean;
  original?: unknown;
  existingRelIds(collectionId: string, ids: readonly string[]): Set<string>;
  now(): Date;
}

/** A column value read from SQLite into its in-memory form. */
export function valueFromDb(field: Field, raw: unknown): unknown {
  return fields.fromDb(field, raw);
}

/** An in-memory value as a SQLite bind value. */
export function valueToDb(field: Field, value: unknown): SqlValue {
  return fields.toDb(field, value) as SqlValue;
}

/** An in-memory value as API JSON. */
export function valueToJSON(field: Field, value: unknown): unknown {
  return fields.toJSON(field, value);
}

/** A submitted value cast as PocketBase casts it (undefined gives the field's zero value). */
export function prepareValue(field: Field, raw: unknown): unknown {
  return fields.prepare(field, raw);
}

/** Applies a `+`/`-`/prefix-`+` modifier. */
export function modifyValue(field: Field, current: unknown, modifier: '+' | '-' | '+prefix', raw: unknown): unknown {
  return fields.modify(field, current, modifier, raw);
}

/** Validates one value; undefined when valid. */
export function validateValue(field: Field, value: unknown, ctx: ValueContext): FieldError | undefined {
  return fields.validateValue(field, value, ctx) ?? undefined;
}

/** A random value for a text field's autogeneratePattern. */
export function generateAutoValue(field: Field): string {
  return field.type === 'text' ? fields.generateFromPattern(field.autogeneratePattern) : '';
}

/** bcrypt hash of a password for the field's cost. */
export function hashPassword(field: Field, plain: string): string {
  return field.type === 'password' ? fields.hashPassword(field, plain) : plain;
}

/** Compares a password with a stored bcrypt hash (false for empty hashes). */
export function verifyPassword(hash: string, plain: string): boolean {
  return Boolean(hash) && fields.verifyPassword(hash, plain);
}
