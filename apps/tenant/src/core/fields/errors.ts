/** Field validation errors in the exact shape PocketBase puts under an API error's `data`. */
import { formatFloatG } from './cast.js';

/** One validation error: `{code, message, params?}` as serialised by PocketBase. */
export interface FieldError {
  code: string;
  /** Final text: template rendered, first letter upper-cased, trailing period added. */
  message: string;
  params?: Record<string, unknown>;
}

/** Errors of a list-valued option keyed by item index ("0", "1", ...). */
export type IndexedErrors = Record<string, FieldError>;

/** validateOptions result: option name -> error (or per-item errors); empty = valid. */
export type OptionErrors = Record<string, FieldError | IndexedErrors>;

/** Marks a template parameter that Go holds as a float64 (printed with %v, e.g. 1e+06). */
export class GoFloat {
  constructor(readonly value: number) {}
  /** Serialised as a plain JSON number in `params`. */
  toJSON(): number {
    return this.value;
  }
}

/** Formats a value the way Go's fmt %v does inside ozzo-validation message templates. */
export function goFmtV(v: unknown): string {
  if (v instanceof GoFloat) return formatFloatG(v.value);
  if (Array.isArray(v)) return `[${v.map(goFmtV).join(' ')}]`;
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'object' && 'goString' in v && typeof v.goString === 'function') return String(v.goString());
  return String(v);
}

/** PocketBase's inflector.Sentenize: trims, upper-cases the first letter, ends with a period. */
export function sentenize(s: string): string {
  const t = s.trim();
  if (t === '') return '';
  const first = String.fromCodePoint(t.codePointAt(0) as number);
  const out = first.toUpperCase() + t.slice(first.length);
  return /[.?!]$/.test(out) ? out : `${out}.`;
}

/**
 * Builds a FieldError from a Go text/template message ("Must be at least {{.min}}"),
 * rendering params with %v semantics and sentenizing like PocketBase's API layer.
 */
export function fieldError(code: string, template: string, params?: Record<string, unknown>): FieldError {
  const rendered = template.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, key: string) => goFmtV(params?.[key]));
  const err: FieldError = { code, message: sentenize(rendered) };
  if (params && Object.keys(params).length > 0) {
    // GoFloat and similar wrappers become plain JSON values.
    err.params = JSON.parse(JSON.stringify(params)) as Record<string, unknown>;
  }
  return err;
}

/** ozzo-validation's Required. */
export const errRequired = (): FieldError => fieldError('validation_required', 'cannot be blank');
/** ozzo-validation's Empty (the value must not be set). */
export const errEmpty = (): FieldError => fieldError('validation_empty', 'must be blank');
/** PocketBase's generic error for a stored value of the wrong shape. */
export const errUnsupportedValueType = (): FieldError =>
  fieldError('validation_unsupported_value_type', 'Invalid or unsupported value type.');
/** What PocketBase answers for a non-validation error (e.g. bcrypt refusing a >72 byte password). */
export const errInvalidValue = (): FieldError => ({ code: 'validation_invalid_value', message: 'Invalid value.' });

/** ozzo-validation Min(threshold) failure. */
export const errMinThreshold = (threshold: unknown): FieldError =>
  fieldError('validation_min_greater_equal_than_required', 'must be no less than {{.threshold}}', { threshold });
/** ozzo-validation Max(threshold) failure. */
export const errMaxThreshold = (threshold: unknown): FieldError =>
  fieldError('validation_max_less_equal_than_required', 'must be no greater than {{.threshold}}', { threshold });
/** ozzo-validation Length(min, max) failure (counts runes). */
export const errLength = (min: number, max: number): FieldError =>
  fieldError('validation_length_out_of_range', 'the length must be between {{.min}} and {{.max}}', { min, max });
/** ozzo-validation Match failure. */
export const errMatch = (): FieldError => fieldError('validation_match_invalid', 'must be in a valid format');
/** ozzo-validation NotIn failure. */
export const errNotIn = (): FieldError => fieldError('validation_not_in_invalid', 'must not be in list');

/**
 * Raised by normalizeOptions when the JSON has a wrong type for a key; PocketBase then
 * rejects the whole request with 400 "Failed to load the submitted data due to invalid
 * formatting." and empty `data` (it is not a per-field validation error).
 */
export class FieldFormatError extends Error {
  constructor(readonly key: string, readonly expected: string) {
    super(`field option "${key}": expected ${expected}`);
    this.name = 'FieldFormatError';
  }
}

/** The API message PocketBase uses for FieldFormatError. */
export const FORMAT_ERROR_MESSAGE = 'Failed to load the submitted data due to invalid formatting.';
