/** The "text" field: plain strings, optional primary key, autogenerate pattern. */
import type { Field, TextField } from '../collection_model.js';
import { runeCount, toGoString } from './cast.js';
import {
  errEmpty, errMaxThreshold, errMinThreshold, errRequired, fieldError, type FieldError, type OptionErrors,
} from './errors.js';
import { BASE_SPEC, defaultFieldId, readOptions, validateBase } from './options.js';
import { tryGenerateFromPattern, goQuote, matchesPattern, validateRegex } from './patterns.js';
import type { FieldHandler } from './types.js';

/** The id pattern of PocketBase's default primary key (skips the extra PK checks). */
export const DEFAULT_ID_PATTERN = '^[a-z0-9]+$';
/** The length limit applied when `max` is 0. */
export const DEFAULT_TEXT_MAX = 5000;
/** Go's maxSafeJSONInt (2^53-1), the upper bound of numeric options. */
export const MAX_SAFE_JSON_INT = 9007199254740991;
/** The primary key column, as PocketBase creates it. */
export const PRIMARY_KEY_COLUMN = "TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL";

// Characters refused in custom primary keys (they end up in file paths).
const FORBIDDEN_PK_CHARS = ['.', '/', '\\', '|', '"', "'", '`', '<', '>', ':', '?', '*', '%', '$', '\0', '\t', '\n', '\r', ' '];
const RESERVED_PKS = [
  'CON', 'PRN', 'AUX', 'NUL', 'COM1', 'COM2', 'COM3', 'COM4', 'COM5', 'COM6', 'COM7', 'COM8', 'COM9',
  'LPT1', 'LPT2', 'LPT3', 'LPT4', 'LPT5', 'LPT6', 'LPT7', 'LPT8', 'LPT9',
];

function textDefaults(name: string, id?: string): TextField {
  return {
    autogeneratePattern: '', help: '', hidden: false, id: id ?? defaultFieldId('text', name), max: 0, min: 0, name,
    pattern: '', presentable: false, primaryKey: false, required: false, system: false, type: 'text',
  };
}

/** The system `id` field every collection starts with. */
export function defaultIdField(): TextField {
  return {
    ...textDefaults('id'),
    autogeneratePattern: '[a-z0-9]{15}', max: 15, min: 15, pattern: DEFAULT_ID_PATTERN,
    primaryKey: true, required: true, system: true,
  };
}

/** PocketBase's TextField.ValidatePlainValue: required, rune length, pattern, PK safety. */
export function validateTextValue(field: TextField, value: string): FieldError | null {
  if ((field.required || field.primaryKey) && value === '') return errRequired();
  if (value === '') return null;
  const length = runeCount(value);
  if (field.min > 0 && length < field.min) {
    return fieldError('validation_min_text_constraint', 'Must be at least {{.min}} character(s)', { min: field.min });
  }
  const max = field.max === 0 ? DEFAULT_TEXT_MAX : field.max;
  if (max > 0 && length > max) {
    return fieldError('validation_max_text_constraint', 'Must be no more than {{.max}} character(s)', { max });
  }
  if (field.pattern !== '' && !matchesPattern(field.pattern, value)) {
    return fieldError('validation_invalid_format', 'Invalid value format');
  }
  if (field.primaryKey && field.pattern !== DEFAULT_ID_PATTERN) {
    const ch = FORBIDDEN_PK_CHARS.find((c) => value.includes(c));
    if (ch !== undefined) {
      return fieldError('validation_forbidden_pk_character', "'{{.ch}}' is not a valid primary key character", { ch });
    }
    if (length <= 4) {
      const reserved = RESERVED_PKS.find((r) => r === value.toUpperCase());
      if (reserved) {
        return fieldError('validation_reserved_pk', "The primary key '{{.reserved}}' is reserved and cannot be used", { reserved });
      }
    }
  }
  return null;
}

/**
 * The value a new record gets when the field is empty and has an autogenerate pattern
 * (PocketBase fills it before validation and again before insert); otherwise `current`.
 */
export function autogenerateText(field: TextField, current: string): string {
  if (current !== '' || field.autogeneratePattern === '') return current;
  const generated = tryGenerateFromPattern(field.autogeneratePattern);
  if ('error' in generated) throw new Error(`failed to autogenerate "${field.name}" value: ${generated.error}`);
  return generated.value;
}

function checkAutogeneratePattern(field: TextField): FieldError | undefined {
  if (field.autogeneratePattern === '') return undefined;
  // Ten samples, as PocketBase does, to catch patterns that conflict with min/max/pattern.
  for (let i = 0; i < 10; i++) {
    const generated = tryGenerateFromPattern(field.autogeneratePattern);
    if ('error' in generated) return fieldError('validation_invalid_autogenerate_pattern', generated.error);
    if (validateTextValue(field, generated.value)) {
      return fieldError(
        'validation_invalid_autogenerate_pattern_value',
        `The provided autogenerate pattern could produce invalid field values, ex.: ${goQuote(generated.value)}`,
      );
    }
  }
  return undefined;
}

const SPEC = { ...BASE_SPEC, min: 'int', max: 'int', pattern: 'string', autogeneratePattern: 'string', primaryKey: 'bool' } as const;

/** Handler of "text" fields; values are strings. */
export const textField: FieldHandler<TextField, string> = {
  type: 'text',
  settable: true,
  defaults: textDefaults,
  normalizeOptions: (raw) => readOptions(raw, textDefaults('', ''), SPEC),

  validateOptions(field, ctx): OptionErrors {
    const errors = validateBase(field, {});
    if (!errors.name && field.primaryKey && field.name !== 'id') {
      errors.name = { code: 'validation_in_invalid', message: 'The primary key must be named "id".' };
    }
    if (field.primaryKey) {
      const pks = ctx.collection.fields.filter((f: Field) => f.type === 'text' && f.primaryKey).length;
      if (pks > 1) {
        errors.primaryKey = fieldError(
          'validation_unsupported_composite_pk', 'Composite PKs are not supported and the collection must have only 1 PK.',
        );
      }
    }
    if (field.min < 0) errors.min = errMinThreshold(0);
    else if (field.min > MAX_SAFE_JSON_INT) errors.min = errMaxThreshold(MAX_SAFE_JSON_INT);
    if (field.max !== 0 && field.max < field.min) errors.max = errMinThreshold(field.min);
    else if (field.max > MAX_SAFE_JSON_INT) errors.max = errMaxThreshold(MAX_SAFE_JSON_INT);
    const pattern = field.primaryKey && field.pattern === '' ? errRequired() : validateRegex(field.pattern);
    if (pattern) errors.pattern = pattern;
    if (field.primaryKey && field.hidden) errors.hidden = errEmpty();
    if (field.primaryKey && !field.required) errors.required = errRequired();
    const auto = validateRegex(field.autogeneratePattern) ?? checkAutogeneratePattern(field);
    if (auto) errors.autogeneratePattern = auto;
    return errors;
  },

  columnDefinition: (field) => (field.primaryKey ? PRIMARY_KEY_COLUMN : "TEXT DEFAULT '' NOT NULL"),
  zeroValue: () => '',
  fromDb: (_field, raw) => toGoString(raw),
  prepare: (_field, input) => toGoString(input),

  modify(field, _current, modifier, input) {
    if (modifier !== 'autogenerate') return undefined;
    // `name:autogenerate` appends a generated value to the given prefix.
    const prefix = toGoString(input);
    if (field.autogeneratePattern === '') return prefix;
    const generated = tryGenerateFromPattern(field.autogeneratePattern);
    return 'value' in generated ? prefix + generated.value : prefix;
  },

  validateValue(field, value, ctx) {
    if (field.primaryKey) {
      if (!ctx.isNew) {
        const old = ctx.original ?? '';
        if (old !== value) return fieldError('validation_pk_change', 'The record primary key cannot be changed.');
        // Stored ids may predate the current rules (e.g. imported), so they are not re-checked.
        if (old !== '') return null;
      } else if (field.pattern !== DEFAULT_ID_PATTERN && ctx.idExistsNoCase?.(value)) {
        return fieldError('validation_pk_invalid', 'The record primary key is invalid or already exists.');
      }
    }
    return validateTextValue(field, value);
  },

  toDb: (_field, value) => value,
  toJSON: (_field, value) => value,
};
