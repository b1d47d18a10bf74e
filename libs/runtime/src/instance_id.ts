/** Instance ids: a branded string that is always safe as one path segment, container name or label. */
import { RuntimeError } from './errors.js';

/** An instance id that passed `parseInstanceId`. */
export type InstanceId = string & { readonly __brand: 'InstanceId' };

/**
 * Lowercase letters, digits and inner hyphens, 1 to 63 characters (a DNS label). Covers
 * PocketBase-style 15-character ids, instance names (`^[a-z][a-z0-9-]{2,39}$`) and UUIDs;
 * no dot, slash or backslash, so it can never name `.`/`..` or leave its directory.
 */
const INSTANCE_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** True when `value` is a valid instance id. */
export function isInstanceId(value: unknown): value is InstanceId {
  return typeof value === 'string' && INSTANCE_ID_PATTERN.test(value);
}

/** Returns `value` as an InstanceId, or throws RuntimeError `invalid_id`. */
export function parseInstanceId(value: unknown): InstanceId {
  if (!isInstanceId(value)) {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : typeof value;
    throw new RuntimeError(
      'invalid_id',
      `invalid instance id ${shown}: expected 1-63 lowercase letters, digits or inner hyphens`,
    );
  }
  return value;
}
