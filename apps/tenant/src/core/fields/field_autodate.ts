/** The "autodate" field: set by the server on create and/or update, never from input. */
import type { AutodateField } from '../collection_model.js';
import { fieldError, type FieldError, type OptionErrors } from './errors.js';
import { formatDate } from '../../tools/types/datetime.js';
import { toPbDateString } from './go_time.js';
import { defaultFieldId, readOptions, validateBase } from './options.js';
import type { FieldHandler } from './types.js';
import { textValueMethods } from './text_values.js';

function autodateDefaults(name: string, id?: string): AutodateField {
  return {
    hidden: false, id: id ?? defaultFieldId('autodate', name), name, onCreate: false, onUpdate: false,
    presentable: false, system: false, type: 'autodate',
  };
}

// autodate fields have neither `help` nor `required`: those keys are dropped.
const SPEC = {
  id: 'string', name: 'string', system: 'bool', hidden: 'bool', presentable: 'bool', onCreate: 'bool', onUpdate: 'bool',
} as const;

const errNeedsOne = (): FieldError => fieldError('validation_required', 'either onCreate or onUpdate must be enabled');
const errMismatch = (): FieldError => fieldError('validation_values_mismatch', "Values don't match.");

/**
 * The value to persist for an autodate field when saving: "now" on insert (onCreate) or
 * update (onUpdate), unless the value was changed programmatically since it was loaded.
 */
export function autodateOnSave(field: AutodateField, current: string, original: string, isNew: boolean, now: Date): string {
  const due = isNew ? field.onCreate : field.onUpdate;
  return due && current === original ? formatDate(now) : current;
}

/** Handler of "autodate" fields; API input is ignored (settable = false). */
export const autodateField: FieldHandler<AutodateField, string> = {
  type: 'autodate',
  settable: false,
  ...textValueMethods(toPbDateString),
  defaults: autodateDefaults,
  normalizeOptions: (raw) => readOptions(raw, autodateDefaults('', ''), SPEC),
  validateOptions(field, ctx): OptionErrors {
    const errors = validateBase(field, {}, false);
    const old = ctx.old?.type === 'autodate' ? ctx.old : field;
    // System autodate fields (created/updated) keep their behaviour.
    if (field.system && field.onCreate !== old.onCreate) errors.onCreate = errMismatch();
    else if (!field.onCreate && !field.onUpdate) errors.onCreate = errNeedsOne();
    if (field.system && field.onUpdate !== old.onUpdate) errors.onUpdate = errMismatch();
    else if (!field.onCreate && !field.onUpdate) errors.onUpdate = errNeedsOne();
    return errors;
  },
  // SQLite cannot add a column whose default is not constant, hence '' rather than now.
  validateValue: () => null,
};
