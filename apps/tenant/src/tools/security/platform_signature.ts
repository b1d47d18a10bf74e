/**
 * Verifies requests the Burrow control plane signs with the platform key
 * (`X-Burrow-Signature: t=<unix seconds>,s=<hex HMAC-SHA256(key, "<t>.<raw body>")>`).
 * The signer lives in @burrow/contracts (platform_signature.ts); this copy keeps the tenant
 * free of workspace dependencies, and test/api/platform.test.ts signs with the contracts
 * helper so the two cannot drift apart.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Accepted clock difference between the control plane and the tenant, in seconds. */
export const PLATFORM_SIGNATURE_TOLERANCE_SEC = 60;

// Strict shape: a decimal timestamp and exactly one SHA-256 MAC in hex, nothing else.
const HEADER_PATTERN = /^t=(\d{1,15}),s=([0-9a-fA-F]{64})$/;

/** True when `header` signs `body` with `key` and its timestamp is within `toleranceSec` of `nowSec`. */
export function verifyPlatformSignature(
  key: string,
  header: string | undefined,
  body: string,
  nowSec: number,
  toleranceSec = PLATFORM_SIGNATURE_TOLERANCE_SEC,
): boolean {
  if (!key || !header) return false;
  const m = HEADER_PATTERN.exec(header.trim());
  if (!m) return false;
  const t = Number(m[1]);
  if (!(Math.abs(nowSec - t) <= toleranceSec)) return false;
  const expected = createHmac('sha256', key).update(`${t}.${body}`, 'utf8').digest();
  // Both sides are 32 bytes here (the pattern fixes the length), as timingSafeEqual requires.
  return timingSafeEqual(expected, Buffer.from(m[2], 'hex'));
}
