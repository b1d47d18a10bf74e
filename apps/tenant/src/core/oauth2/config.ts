/**
 * The `oauth2` options of an auth collection: providers normalised to PocketBase's
 * OAuth2ProviderConfig shape (a blank client secret keeps the stored one, so a form can
 * leave it out) and validated (known name, client id and secret, URLs, no duplicates).
 */
import { fieldError, type ErrorData } from '../../tools/router/api_error.js';
import { asText, isPlainObject } from '../../tools/types/objects.js';
import type { ProviderConfig } from './client.js';
import { isKnownProvider } from './providers.js';


/** Providers from input, with stored secrets kept where none was given. */
export function normalizeProviders(raw: unknown, existing: readonly unknown[]): ProviderConfig[] {
  if (!Array.isArray(raw)) return [];
  const stored = new Map(existing.filter(isPlainObject).map((p) => [asText(p.name), p]));
  return raw.filter(isPlainObject).map((p) => {
    const name = asText(p.name);
    const secret = asText(p.clientSecret) || asText(stored.get(name)?.clientSecret);
    return {
      pkce: typeof p.pkce === 'boolean' ? p.pkce : null,
      name,
      clientId: asText(p.clientId),
      clientSecret: secret,
      authURL: asText(p.authURL),
      tokenURL: asText(p.tokenURL),
      userInfoURL: asText(p.userInfoURL),
      displayName: asText(p.displayName),
      extra: isPlainObject(p.extra) ? p.extra : null,
    };
  });
}

function isURL(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Field errors of the providers list (only checked while OAuth2 is enabled, as PocketBase). */
export function validateOAuth2(oauth2: { enabled: boolean; providers: unknown[] }): ErrorData | undefined {
  if (!oauth2.enabled) return undefined;
  const errors: ErrorData = {};
  const seen = new Set<string>();
  oauth2.providers.forEach((raw, i) => {
    const p = raw as ProviderConfig;
    const e: ErrorData = {};
    if (!p.name) e.name = fieldError('validation_required', 'Cannot be blank.');
    else if (!isKnownProvider(p.name)) e.name = fieldError('validation_missing_provider', `Invalid or missing provider with name ${p.name}.`, { name: p.name });
    else if (seen.has(p.name)) e.name = fieldError('validation_duplicated_provider', `The provider ${p.name} is already registered.`, { name: p.name });
    seen.add(p.name);
    if (!p.clientId) e.clientId = fieldError('validation_required', 'Cannot be blank.');
    if (!p.clientSecret) e.clientSecret = fieldError('validation_required', 'Cannot be blank.');
    for (const key of ['authURL', 'tokenURL', 'userInfoURL'] as const) {
      if (p[key] && !isURL(p[key])) e[key] = fieldError('validation_is_url', 'Must be a valid URL.');
    }
    if (Object.keys(e).length) errors[String(i)] = e;
  });
  return Object.keys(errors).length ? { providers: errors } : undefined;
}
