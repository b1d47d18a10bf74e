/** The tenant's only reader of environment variables (the CLI calls it once at startup). */

/** Env var carrying the control plane's per-instance key (see apis/platform.ts). */
export const PLATFORM_KEY_ENV = 'BURROW_PLATFORM_KEY';

/** Shortest key accepted: a shorter one is a placeholder or too weak (one captured request allows an offline guess). */
export const MIN_PLATFORM_KEY_LENGTH = 32;

/**
 * The platform key from the process environment, or undefined when unset; removed from the
 * environment so nothing else in the process (or its children) reads it. Throws when too short.
 */
export function takePlatformKey(): string | undefined {
  const key = process.env[PLATFORM_KEY_ENV];
  delete process.env[PLATFORM_KEY_ENV];
  if (key === undefined || key === '') return undefined;
  if (key.length < MIN_PLATFORM_KEY_LENGTH) throw new Error(`${PLATFORM_KEY_ENV} must be at least ${MIN_PLATFORM_KEY_LENGTH} characters long`);
  return key;
}
