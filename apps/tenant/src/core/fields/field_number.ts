/** The "number" field: float64 values with optional bounds and integer-only mode. */
import type { NumberField } from '../collection_model.js';
import { toGoFloat } from './cast.js';
import { errRequired, fieldError, GoFloat, type FieldError, type OptionErrors } from './errors.js';
import { BASE_SPEC, defaultFieldId, readOptions, validateBase } from './options.js';
import type { FieldHandler } from './types.js';

const errOnlyInt = (): FieldError => fieldError('validation_only_int_constraint', 'Decimal numbers are not allowed');
const errMin = (min: number): FieldError =>
  fieldError('validation_min_number_constraint', 'Must be greater or equal than {{.min}}', { min: new GoFloat(min) });
const errMax = (max: number): FieldError =>
  fieldError('validation_max_number_constraint', 'Must be less or equal than {{.max}}', { max: new GoFloat(max) });

// Go's float64 -> int64 conversion check (values beyond int64 are never "integers" there).
const isGoInt = (v: number): boolean => Number.isInteger(v) && Math.abs(v) < 2 ** 63;

function numberDefaults(name: string, id?: string): NumberField {
  return {
    help: '', hidden: false, id: id ?? defaultFieldId('number', name), max: null, min: null, name,
    onlyInt: false, presentable: false, required: false, system: false, type: 'number',
  };
}

const SPEC = { ...BASE_SPEC, min: 'float?', max: 'float?', onlyInt: 'bool' } as const;

/** Handler of "number" fields; values are JS numbers (NaN/Infinity only transiently, rejected by validation). */
export const numberField: FieldHandler<NumberField, number> = {
  type: 'number',
  settable: true,
  defaults: numberDefaults,
  normalizeOptions: (raw) => readOptions(raw, numberDefaults('', ''), SPEC),

  validateOptions(field): OptionErrors {
    const errors = validateBase(field, {});
    if (field.onlyInt && field.min !== null && !isGoInt(field.min)) errors.min = errOnlyInt();
    if (field.max !== null) {
      if (field.onlyInt && !isGoInt(field.max)) errors.max = errOnlyInt();
      else if (field.min !== null && field.max < field.min) errors.max = errMin(field.min);
    }
    return errors;
  },

  columnDefinition: () => 'NUMERIC DEFAULT 0 NOT NULL',
  zeroValue: () => 0,
  fromDb: (_field, raw) => toGoFloat(raw),
  prepare: (_field, input) => toGoFloat(input),

  modify(_field, current, modifier, input) {
    if (modifier === 'append') return current + toGoFloat(input);
    if (modifier === 'subtract') return current - toGoFloat(input);
    return undefined;
  },

  validateValue(field, value) {
    if (!Number.isFinite(value)) {
      return fieldError('validation_not_a_number', 'The submitted number is not properly formatted');
    }
    if (value === 0) return field.required ? errRequired() : null;
    if (field.onlyInt && !isGoInt(value)) return errOnlyInt();
    if (field.min !== null && value < field.min) return errMin(field.min);
    if (field.max !== null && value > field.max) return errMax(field.max);
    return null;
  },

  // -0 is stored (and shown) as 0.
  toDb: (_field, value) => (Object.is(value, -0) ? 0 : value),
  toJSON: (_field, value) => (Object.is(value, -0) ? 0 : value),
};
