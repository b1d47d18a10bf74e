/** Collection-level field operations (options input, option validation, columns), delegated to ./fields. */
import type { ErrorData, FieldError } from '../tools/router/api_error.js';
import { fieldError } from '../tools/router/api_error.js';
import type { TenantApp } from './app.js';
import type { Collection, Field } from './collection_model.js';
import { FIELD_TYPES } from './collection_model.js';
import * as fields from './fields/index.js';

/** Reads one field definition from API input. */
export function normalizeFieldInput(raw: unknown): { field: Field } | { error: ErrorData } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { error: { type: fieldError('validation_invalid_value', 'Invalid field definition.') } };
  }
  const type = (raw as Record<string, unknown>).type;
  if (typeof type !== 'string' || !(FIELD_TYPES as readonly string[]).includes(type)) {
    return { error: { type: fieldError('validation_in_invalid', 'Must be a valid value.') } };
  }
  return fields.normalizeOptions(raw as Record<string, unknown>);
}

/** What option validation may look up. */
export interface OptionsContext {
  app: TenantApp;
  collection: Collection;
  old?: Field;
}

/** Option errors of a field (keyed by option name). */
export function fieldOptionErrors(field: Field, ctx: OptionsContext): Record<string, FieldError> {
  return fields.validateOptions(field, {
    collection: ctx.collection,
    old: ctx.old,
    findCollection: (idOrName: string) => ctx.app.collections.find(idOrName),
  });
}

/** The SQLite column definition of a field. */
export function columnDefinition(field: Field): string {
  return fields.columnDefinition(field);
}
