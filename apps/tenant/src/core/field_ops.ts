/** Collection-level field operations (options input, option validation, columns), delegated to ./fields. */
import type { ErrorData } from '../tools/router/api_error.js';
import { fieldError } from '../tools/router/api_error.js';
import type { TenantApp } from './app.js';
import type { Collection, Field } from './collection_model.js';
import * as fields from './fields/index.js';

/** Reads one field definition from API input. */
export function normalizeFieldInput(raw: unknown): { field: Field } | { error: ErrorData } {
  const res = fields.normalizeOptions(raw);
  if (res.ok) return { field: res.field };
  return { error: { [res.error.key || 'type']: fieldError('validation_invalid_value', `Invalid value: expected ${res.error.expected}.`) } };
}

/** What option validation may look up. */
export interface OptionsContext {
  app: TenantApp;
  collection: Collection;
  old?: Field;
}

/** Option errors of a field (keyed by option name). */
export function fieldOptionErrors(field: Field, ctx: OptionsContext): ErrorData {
  return fields.validateOptions(field, {
    collection: ctx.collection,
    old: ctx.old,
    findCollection: (idOrName: string) => ctx.app.collections.find(idOrName),
  }) as ErrorData;
}

/** The SQLite column definition of a field. */
export function columnDefinition(field: Field): string {
  return fields.columnDefinition(field);
}
