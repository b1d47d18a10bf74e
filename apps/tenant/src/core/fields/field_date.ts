/** The "date" field: PocketBase date strings ("2006-01-02 15:04:05.000Z", "" = none). */
import type { DateField } from '../collection_model.js';
import { errMaxThreshold, errMinThreshold, errRequired } from './errors.js';
import { GoTime, parseGoDateString, toPbDateString } from './go_time.js';
import { BASE_SPEC, defaultFieldId, readOptions, validateBase } from './options.js';
import type { FieldHandler } from './types.js';
import { textValueMethods } from './text_values.js';

function dateDefaults(name: string, id?: string): DateField {
  return {
    help: '', hidden: false, id: id ?? defaultFieldId('date', name), max: '', min: '', name,
    presentable: false, required: false, system: false, type: 'date',
  };
}

const SPEC = { ...BASE_SPEC, min: 'date', max: 'date' } as const;

/**
 * Handler of "date" fields. Input strings are parsed with PocketBase's layouts (its own,
 * RFC 3339, date only, RFC 1123, ...); anything else, numbers included, becomes "".
 */
export const dateField: FieldHandler<DateField, string> = {
  type: 'date',
  settable: true,
  ...textValueMethods(toPbDateString),
  defaults: dateDefaults,
  normalizeOptions: (raw) => readOptions(raw, dateDefaults('', ''), SPEC),
  // PocketBase's min <= max check on the options is a no-op, so only the common checks apply.
  validateOptions: (field) => validateBase(field, {}),
  validateValue(field, value) {
    const date = parseGoDateString(value);
    if (!date) return field.required ? errRequired() : null;
    const min = parseGoDateString(field.min);
    if (min && date < min) return errMinThreshold(new GoTime(min));
    const max = parseGoDateString(field.max);
    if (max && date > max) return errMaxThreshold(new GoTime(max));
    return null;
  },
};
