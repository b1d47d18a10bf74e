/** The "bool" field. */
import type { BoolField } from '../collection_model.js';
import { toGoBool } from './cast.js';
import { errRequired } from './errors.js';
import { BASE_SPEC, defaultFieldId, readOptions, validateBase } from './options.js';
import type { FieldHandler } from './types.js';

function boolDefaults(name: string, id?: string): BoolField {
  return { help: '', hidden: false, id: id ?? defaultFieldId('bool', name), name, presentable: false, required: false, system: false, type: 'bool' };
}

/** Handler of "bool" fields; stored as 0/1, "required" means it must be true. */
export const boolField: FieldHandler<BoolField, boolean> = {
  type: 'bool',
  settable: true,
  defaults: boolDefaults,
  normalizeOptions: (raw) => readOptions(raw, boolDefaults('', ''), BASE_SPEC),
  validateOptions: (field) => validateBase(field, {}),
  columnDefinition: () => 'BOOLEAN DEFAULT FALSE NOT NULL',
  zeroValue: () => false,
  fromDb: (_field, raw) => toGoBool(raw),
  // "true"/"1"/"t" are true; "on" and "yes" are false, as in PocketBase (strconv.ParseBool).
  prepare: (_field, input) => toGoBool(input),
  modify: () => undefined,
  validateValue: (field, value) => (field.required && !value ? errRequired() : null),
  toDb: (_field, value) => (value ? 1 : 0),
  toJSON: (_field, value) => value,
};
