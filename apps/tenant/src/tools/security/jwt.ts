/** HS256 JSON Web Tokens (the only algorithm PocketBase issues). */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Claims as a JSON object. */
export type JwtClaims = Record<string, unknown>;

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function signature(input: string, secret: string): string {
  return createHmac('sha256', secret).update(input).digest('base64url');
}

/** Signs claims with `secret`; `exp` is set from `durationSec` (seconds from now). */
export function signJwt(claims: JwtClaims, secret: string, durationSec: number, nowMs = Date.now()): string {
  const payload = { ...claims, exp: Math.floor(nowMs / 1000) + Math.max(0, Math.floor(durationSec)) };
  const body = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${body}.${signature(body, secret)}`;
}

/** Reads the claims without checking the signature (to find which key verifies it). */
export function decodeJwtUnverified(token: string): JwtClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: unknown };
    if (header.alg !== 'HS256') return undefined;
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as JwtClaims) : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies signature and expiry; returns the claims or undefined. */
export function verifyJwt(token: string, secret: string, nowMs = Date.now()): JwtClaims | undefined {
  const claims = decodeJwtUnverified(token);
  if (!claims) return undefined;
  const dot = token.lastIndexOf('.');
  const expected = Buffer.from(signature(token.slice(0, dot), secret));
  const actual = Buffer.from(token.slice(dot + 1));
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= nowMs) return undefined;
  return claims;
}
