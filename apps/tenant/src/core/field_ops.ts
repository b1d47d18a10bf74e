/** Collection-level field operations (options input, option validation, columns), delegated to ./fields. */
import type { ErrorData } from '../tools/router/api_error.js';
import { badRequest } from '../tools/router/api_error.js';
import type { TenantApp } from './app.js';
import type { Collection, Field } from './collection_model.js';
import * as fields from './fields/index.js';

/**
 * Reads one field definition from API input. A wrong JSON type for an option fails the whole
 * request (400 with PocketBase's "invalid formatting" message and empty data), as PocketBase does.
 */
export function normalizeFieldInput(raw: unknown): Field {
  const res = fields.normalizeOptions(raw);
  if (res.ok) return res.field;
  throw badRequest(fields.FORMAT_ERROR_MESSAGE, {}, res.error);
}

/** A new id for a field that came without one (type + crc32 of the name, made unique). */
export function newFieldId(field: Field, takenIds: ReadonlySet<string>): string {
  return fields.uniqueFieldId(field.type, field.name, takenIds);
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
