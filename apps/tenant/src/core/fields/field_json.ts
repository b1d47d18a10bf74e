/** The "json" field: any JSON value, kept as raw JSON text. */
import type { JsonField } from '../collection_model.js';
import { byteLength, toGoString } from './cast.js';
import { errMaxThreshold, errMinThreshold, errRequired, fieldError } from './errors.js';
import { MAX_SAFE_JSON_INT } from './field_text.js';
import { goJsonMarshal, isValidJson } from './go_json.js';
import { goStrconvQuote } from './go_quote.js';
import { BASE_SPEC, defaultFieldId, readOptions, validateBase } from './options.js';
import type { FieldHandler, JsonValue } from './types.js';

/** Raw JSON text as stored; null = SQL NULL (shown as null). */
export type JsonRaw = string | null;

/** The size limit (bytes of JSON text) when maxSize is 0: 1 MiB. */
export const DEFAULT_JSON_MAX_SIZE = 1 << 20;
const EMPTY_JSON = ['null', '""', '[]', '{}', ''];

/**
 * PocketBase's JSONField.PrepareValue for strings: JSON-looking text (a number, string,
 * array or object literal that parses, or null/true/false) is kept raw; any other text,
 * including text with leading whitespace, becomes a JSON string.
 */
function stringToRaw(s: string): string {
  if (s === '') return '""';
  if (s === 'null' || s === 'true' || s === 'false') return s;
  if (/^[0-9\-"[{]/.test(s) && isValidJson(s)) return s;
  return goStrconvQuote(s);
}

/** API input -> raw JSON: strings as above, other values marshalled like Go (sorted keys, HTML-safe). */
export function toJsonRaw(input: unknown): JsonRaw {
  if (input === null || input === undefined) return null;
  if (typeof input === 'string') return stringToRaw(input);
  if (input instanceof Uint8Array) return input.length === 0 ? null : stringToRaw(Buffer.from(input).toString('utf8'));
  if (typeof input === 'bigint') return input.toString();
  return goJsonMarshal(input) ?? null;
}

/** The effective byte limit of a json field. */
export function jsonMaxSize(field: JsonField): number {
  return field.maxSize <= 0 ? DEFAULT_JSON_MAX_SIZE : field.maxSize;
}

function jsonDefaults(name: string, id?: string): JsonField {
  return {
    help: '', hidden: false, id: id ?? defaultFieldId('json', name), maxSize: 0, name, presentable: false,
    required: false, system: false, type: 'json',
  };
}

const SPEC = { ...BASE_SPEC, maxSize: 'int' } as const;

/** Handler of "json" fields; values are raw JSON text so numbers and key order survive untouched. */
export const jsonField: FieldHandler<JsonField, JsonRaw> = {
  type: 'json',
  settable: true,
  defaults: jsonDefaults,
  normalizeOptions: (raw) => readOptions(raw, jsonDefaults('', ''), SPEC),
  validateOptions(field) {
    const errors = validateBase(field, {});
    if (field.maxSize < 0) errors.maxSize = errMinThreshold(0);
    else if (field.maxSize > MAX_SAFE_JSON_INT) errors.maxSize = errMaxThreshold(MAX_SAFE_JSON_INT);
    return errors;
  },
  columnDefinition: () => 'JSON DEFAULT NULL',
  zeroValue: () => null,
  fromDb(_field, raw) {
    // The JSON column has NUMERIC affinity: numeric texts come back as numbers.
    if (typeof raw === 'number' || typeof raw === 'bigint') return toJsonRaw(raw);
    const text = toGoString(raw);
    return text === '' ? null : toJsonRaw(text);
  },
  prepare: (_field, input) => toJsonRaw(input),
  modify: () => undefined,
  validateValue(field, value) {
    const raw = value ?? '';
    const maxSize = jsonMaxSize(field);
    if (byteLength(raw) > maxSize) {
      return fieldError('validation_json_size_limit', 'The maximum allowed JSON size is {{.maxSize}} bytes', { maxSize });
    }
    if (raw !== '' && !isValidJson(raw)) return fieldError('validation_invalid_json', 'Must be a valid json value');
    if (field.required && EMPTY_JSON.includes((value ?? 'null').trim())) return errRequired();
    return null;
  },
  toDb: (_field, value) => (value === null || value === '' ? null : value),
  toJSON(_field, value): JsonValue {
    if (value === null || value === '') return null;
    try {
      return JSON.parse(value) as JsonValue;
    } catch {
      // Bad stored data: show it as text rather than break the response.
      return value;
    }
  },
};
