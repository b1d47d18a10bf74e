/** The "select" field: one or more values from a fixed list. */
import type { SelectField } from '../collection_model.js';
import { toUniqueStringSlice } from './cast.js';
import { errMaxThreshold, errMinThreshold, errRequired, fieldError } from './errors.js';
import { stringListMethods, type StringOrList } from './multi_value.js';
import { BASE_SPEC, defaultFieldId, readOptions, validateBase } from './options.js';
import type { FieldHandler } from './types.js';

function selectDefaults(name: string, id?: string): SelectField {
  return {
    help: '', hidden: false, id: id ?? defaultFieldId('select', name), maxSelect: 0, name, presentable: false,
    required: false, system: false, type: 'select', values: [],
  };
}

const SPEC = { ...BASE_SPEC, values: 'strings', maxSelect: 'int' } as const;

/**
 * Handler of "select" fields; values are a string (maxSelect <= 1) or a string list.
 * The options allow duplicate and empty entries in `values`, as PocketBase does.
 */
export const selectField: FieldHandler<SelectField, StringOrList> = {
  type: 'select',
  settable: true,
  ...stringListMethods<SelectField>(),
  defaults: selectDefaults,
  normalizeOptions: (raw) => readOptions(raw, selectDefaults('', ''), SPEC),
  validateOptions(field) {
    const errors = validateBase(field, {});
    if (field.values.length === 0) errors.values = errRequired();
    const max = Math.max(field.values.length, 1);
    if (field.maxSelect < 0) errors.maxSelect = errMinThreshold(0);
    else if (field.maxSelect > max) errors.maxSelect = errMaxThreshold(max);
    return errors;
  },
  validateValue(field, value) {
    // Re-split like PocketBase: a single value that looks like a JSON array counts as several.
    const list = toUniqueStringSlice(value);
    if (list.length === 0) return field.required ? errRequired() : null;
    const maxSelect = Math.max(field.maxSelect, 1);
    if (list.length > maxSelect) {
      return fieldError('validation_too_many_values', 'Select no more than {{.maxSelect}}', { maxSelect });
    }
    const invalid = list.find((v) => !field.values.includes(v));
    if (invalid !== undefined) return fieldError('validation_invalid_value', 'Invalid value {{.value}}', { value: invalid });
    return null;
  },
};
