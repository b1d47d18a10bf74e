/** Small type guards for untyped JSON input. */

/** True for a plain JSON object (not null, not an array). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A submitted value as text: strings as they are, null/undefined as "", anything else String()ed. */
export function asText(v: unknown): string {
  return typeof v === 'string' ? v : v == null ? '' : String(v);
}

/** The first value of a query parameter that may repeat (`?a=1&a=2` -> "1"); "" when absent. */
export function firstValue(v: unknown): string {
  return Array.isArray(v) ? firstValue(v[0]) : typeof v === 'string' ? v : '';
}
