/** The large data both backups benches build: `blobs` rows of base64 of random bytes. */
import { randomBytes } from 'node:crypto';

/** The collection holding the bulk of the data (text `payload`). */
export const BLOBS = 'blobs';
/** The collection of small records written meanwhile (text `title`). */
export const WRITES = 'writes';
export const MiB = 1024 * 1024;

/** Record ids: 15 chars of [a-z0-9], distinct and in insertion order. */
export const blobId = (i: number): string => `b${i.toString(36).padStart(14, '0')}`;

/**
 * `chars` characters of base64 of random bytes. 3 random bytes are 4 base64 chars, so deflate
 * keeps ~75% of it (incompressible data as base64) and an archive's compression has real work.
 */
export function randomPayload(chars: number): string {
  return randomBytes(Math.ceil((chars * 3) / 4)).toString('base64').slice(0, chars);
}
