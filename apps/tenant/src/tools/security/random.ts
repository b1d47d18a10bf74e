/** Cryptographically random strings, as PocketBase's security package makes them. */
import { randomBytes, randomInt } from 'node:crypto';

/** Lower-case letters and digits: the alphabet of record ids. */
export const ALPHANUMERIC_LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** Letters and digits: the alphabet of token keys, secrets and client ids. */
export const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Returns `length` characters drawn uniformly from `alphabet` with a CSPRNG. */
export function randomString(length: number, alphabet: string = ALPHANUMERIC): string {
  const n = alphabet.length;
  // Rejection sampling over bytes keeps the distribution uniform for any alphabet size <= 256.
  const limit = 256 - (256 % n);
  let out = '';
  while (out.length < length) {
    const buf = randomBytes(Math.max(16, (length - out.length) * 2));
    for (let i = 0; i < buf.length && out.length < length; i++) {
      if (buf[i] < limit) out += alphabet[buf[i] % n];
    }
  }
  return out;
}

/** A new 15-character record id. */
export function newRecordId(): string {
  return randomString(15, ALPHANUMERIC_LOWER);
}

/** A uniformly random integer in [0, max). */
export function randomIndex(max: number): number {
  return randomInt(max);
}
