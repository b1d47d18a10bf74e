/**
 * The OAuth2 authorization-code flow against one provider: the authorization URL (state,
 * scopes, PKCE S256 challenge), the code-for-token exchange (client credentials in the
 * form body, PKCE verifier), and the user lookup (user-info endpoint, or for OpenID Connect
 * without one, the id_token's claims: audience, expiry and issuer checked, the signature
 * too when a `jwksURL` is configured). Every call is bounded by a timeout.
 */
import { createHash, createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { isPlainObject } from '../../tools/types/objects.js';
import { formatDate } from '../../tools/types/datetime.js';
import { PROVIDERS, type ProviderDefinition, type ProviderUser } from './providers.js';

/** A provider as configured on an auth collection (PocketBase's OAuth2ProviderConfig). */
export interface ProviderConfig {
  name: string;
  clientId: string;
  clientSecret: string;
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  displayName: string;
  pkce: boolean | null;
  extra: Record<string, unknown> | null;
}

/** A configured provider with its defaults filled in. */
export interface Provider {
  config: ProviderConfig;
  definition: ProviderDefinition;
  displayName: string;
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  pkce: boolean;
}

/** The token endpoint's answer. */
export interface OAuth2Token {
  accessToken: string;
  refreshToken: string;
  expiry: string;
  idToken: string;
}

/** The user PocketBase's auth-with-oauth2 returns in `meta` (with `isNew` added there). */
export interface AuthUser extends ProviderUser {
  accessToken: string;
  refreshToken: string;
  expiry: string;
  rawUser: Record<string, unknown>;
}

const TIMEOUT_MS = 30_000;
/** Clock skew accepted on id_token times. */
const ID_TOKEN_LEEWAY_SEC = 300;

/** The provider behind a config, or undefined for an unknown name. */
export function resolveProvider(config: ProviderConfig): Provider | undefined {
  const definition = Object.hasOwn(PROVIDERS, config.name) ? PROVIDERS[config.name] : undefined;
  if (!definition) return undefined;
  return {
    config,
    definition,
    displayName: config.displayName || definition.displayName || config.name,
    authURL: config.authURL || definition.authURL,
    tokenURL: config.tokenURL || definition.tokenURL,
    userInfoURL: config.userInfoURL || definition.userInfoURL,
    pkce: config.pkce ?? definition.pkce,
  };
}

/** base64url(sha256(verifier)), the S256 PKCE challenge. */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** The authorization URL for a state and extra parameters (query keys sorted, as Go's encoder does). */
export function buildAuthURL(p: Provider, state: string, extra: Record<string, string> = {}): string {
  const params: Record<string, string> = { client_id: p.config.clientId, response_type: 'code', state, ...extra };
  if (p.definition.scopes.length) params.scope = p.definition.scopes.join(' ');
  const query = Object.keys(params).sort().map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(params[k])}`).join('&');
  return `${p.authURL}${p.authURL.includes('?') ? '&' : '?'}${query}`;
}

async function readJSONOrForm(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    const parsed: unknown = JSON.parse(text);
    if (isPlainObject(parsed)) return parsed;
  } catch {
    // some providers answer form-encoded
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/** Exchanges an authorization code for tokens. */
export async function fetchToken(p: Provider, code: string, redirectURL: string, codeVerifier: string): Promise<OAuth2Token> {
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectURL, client_id: p.config.clientId, client_secret: p.config.clientSecret });
  if (p.pkce && codeVerifier) body.set('code_verifier', codeVerifier);
  const res = await fetch(p.tokenURL, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const data = await readJSONOrForm(res);
  if (!res.ok || typeof data.access_token !== 'string' || data.access_token === '') {
    const reason = typeof data.error_description === 'string' ? data.error_description : typeof data.error === 'string' ? data.error : `status ${res.status}`;
    throw new Error(`oauth2 token exchange failed: ${reason}`);
  }
  const expiresIn = Number(data.expires_in);
  return {
    accessToken: data.access_token,
    refreshToken: typeof data.refresh_token === 'string' ? data.refresh_token : '',
    expiry: Number.isFinite(expiresIn) && expiresIn > 0 ? formatDate(new Date(Date.now() + expiresIn * 1000)) : '',
    idToken: typeof data.id_token === 'string' ? data.id_token : '',
  };
}

async function fetchJSON(url: string, accessToken: string): Promise<unknown> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new Error(`oauth2 user info request failed with status ${res.status}`);
  return res.json();
}

function decodePart(part: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  if (!isPlainObject(parsed)) throw new Error('invalid id_token');
  return parsed;
}

async function verifySignature(idToken: string, jwksURL: string): Promise<void> {
  const [headerPart, payloadPart, signature] = idToken.split('.');
  const header = decodePart(headerPart);
  if (header.alg !== 'RS256') throw new Error(`id_token algorithm ${String(header.alg)} is not supported`);
  const res = await fetch(jwksURL, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  const jwks = (await res.json()) as { keys?: Array<JsonWebKey & { kid?: string }> };
  const key = (jwks.keys ?? []).find((k) => k.kid === header.kid);
  if (!key) throw new Error('id_token signing key not found');
  const ok = verify('RSA-SHA256', Buffer.from(`${headerPart}.${payloadPart}`), createPublicKey({ key, format: 'jwk' }), Buffer.from(signature, 'base64url'));
  if (!ok) throw new Error('id_token signature is invalid');
}

async function idTokenClaims(p: Provider, idToken: string): Promise<Record<string, unknown>> {
  if (!idToken) throw new Error('empty id_token');
  const parts = idToken.split('.');
  if (parts.length !== 3) throw new Error('invalid id_token');
  const claims = decodePart(parts[1]);
  const now = Math.floor(Date.now() / 1000);
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(p.config.clientId)) throw new Error('id_token audience mismatch');
  if (typeof claims.exp === 'number' && claims.exp + ID_TOKEN_LEEWAY_SEC < now) throw new Error('id_token expired');
  if (typeof claims.iat === 'number' && claims.iat - ID_TOKEN_LEEWAY_SEC > now) throw new Error('id_token issued in the future');
  const extra = p.config.extra ?? {};
  const issuers = Array.isArray(extra.issuers) ? extra.issuers.map(String) : [];
  if (issuers.length && !issuers.includes(String(claims.iss))) throw new Error(`id_token issuer ${String(claims.iss)} is not allowed`);
  if (typeof extra.jwksURL === 'string' && extra.jwksURL) await verifySignature(idToken, extra.jwksURL);
  return claims;
}

/** Looks the user up with the token. */
export async function fetchAuthUser(p: Provider, token: OAuth2Token): Promise<AuthUser> {
  let raw: Record<string, unknown>;
  if (p.userInfoURL) {
    const data = await fetchJSON(p.userInfoURL, token.accessToken);
    if (!isPlainObject(data)) throw new Error('oauth2 user info is not an object');
    raw = data;
  } else {
    raw = await idTokenClaims(p, token.idToken);
  }
  const user = p.definition.mapUser(raw);
  if (p.definition.enrich) await p.definition.enrich(user, (url) => fetchJSON(url, token.accessToken), p.userInfoURL);
  return { ...user, accessToken: token.accessToken, refreshToken: token.refreshToken, expiry: token.expiry, rawUser: raw };
}
