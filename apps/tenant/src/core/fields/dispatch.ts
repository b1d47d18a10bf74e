/**
 * The handlers as plain functions over the Field union, for the collection and record
 * layers, which hold fields and values generically. Values must be the ones produced by
 * prepare/fromDb/zeroValue for the same field.
 */
import type { Field } from '../collection_model.js';
import { FieldFormatError, type FieldError, type OptionErrors } from './errors.js';
import { handlerFor, isFieldType, type FieldValue } from './registry.js';
import type { DbValue, FieldModifier, JsonValue, NormalizeResult, OptionsContext, ValueContext } from './types.js';

/**
 * API JSON of one field -> typed field, dispatching on its "type". A missing or unknown
 * type, or a wrong JSON type for an option, is a FieldFormatError: PocketBase then fails
 * the whole request (400 "Failed to load the submitted data due to invalid formatting.").
 */
export function normalizeOptions(raw: unknown): NormalizeResult<Field> {
  const type = raw !== null && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined;
  if (!isFieldType(type)) return { ok: false, error: new FieldFormatError('type', 'a known field type') };
  return handlerFor({ type } as Field).normalizeOptions(raw);
}

/** A field with PocketBase's defaults for its type. */
export function defaultsFor(type: Field['type'], name: string, id?: string): Field {
  return handlerFor({ type } as Field).defaults(name, id);
}

/** Option validation of one field; empty object = valid (caller nests it under fields.<index>). */
export function validateOptions(field: Field, ctx: OptionsContext): OptionErrors {
  return handlerFor(field).validateOptions(field, ctx);
}

/** The SQLite column definition of a field. */
export function columnDefinition(field: Field): string {
  return handlerFor(field).columnDefinition(field);
}

/** The value of a record that never set the field. */
export function zeroValue(field: Field): FieldValue {
  return handlerFor(field).zeroValue(field);
}

/** False when API input for the field is ignored (autodate). */
export function isSettable(field: Field): boolean {
  return handlerFor(field).settable;
}

/** A SQLite column value -> in-memory value. */
export function fromDb(field: Field, raw: unknown): FieldValue {
  return handlerFor(field).fromDb(field, raw);
}

/** API input -> in-memory value (undefined gives the zero value). */
export function prepare(field: Field, input: unknown): FieldValue {
  return handlerFor(field).prepare(field, input);
}

/** Applies a modifier; undefined when the field type ignores it. */
export function modify(field: Field, current: FieldValue, modifier: FieldModifier, input: unknown): FieldValue | undefined {
  return handlerFor(field).modify(field, current, modifier, input);
}

/** Record-level validation of one value; null = valid. */
export function validateValue(field: Field, value: FieldValue, ctx: ValueContext<FieldValue>): FieldError | null {
  return handlerFor(field).validateValue(field, value, ctx);
}

/** In-memory value -> better-sqlite3 bind value. */
export function toDb(field: Field, value: FieldValue): DbValue {
  return handlerFor(field).toDb(field, value);
}

/** In-memory value -> API JSON. */
export function toJSON(field: Field, value: FieldValue): JsonValue {
  return handlerFor(field).toJSON(field, value);
}
