/**
 * Signed requests from the control plane to a tenant (e.g. one-click superuser login):
 * header `X-Burrow-Signature: t=<unix seconds>,s=<hex HMAC-SHA256(key, "<t>.<raw body>")>`.
 * The timestamp is inside the MAC so a captured request stops working after the tolerance.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Name of the HTTP header that carries the signature. */
export const PLATFORM_SIGNATURE_HEADER = 'X-Burrow-Signature';

/** Default accepted clock difference between signer and verifier, in seconds. */
export const PLATFORM_SIGNATURE_TOLERANCE_SEC = 60;

// Strict shape: a decimal timestamp and exactly one SHA-256 MAC in hex, nothing else.
const HEADER_PATTERN = /^t=(\d{1,15}),s=([0-9a-fA-F]{64})$/;

function mac(key: string, t: number, body: string): Buffer {
  return createHmac('sha256', key).update(`${t}.${body}`, 'utf8').digest();
}

/** The `X-Burrow-Signature` value for `body` sent at `nowSec` (unix seconds). */
export function signPlatformRequest(key: string, body: string, nowSec: number): string {
  // An empty key would make every signature forgeable; refuse rather than sign with it.
  if (!key) throw new Error('signPlatformRequest: the platform key is empty');
  if (!Number.isFinite(nowSec) || nowSec < 0) throw new Error(`signPlatformRequest: invalid time ${nowSec}`);
  const t = Math.floor(nowSec);
  return `t=${t},s=${mac(key, t, body).toString('hex')}`;
}

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
  // Both sides are 32 bytes here (the pattern fixes the length), as timingSafeEqual requires.
  return timingSafeEqual(mac(key, t, body), Buffer.from(m[2], 'hex'));
}
