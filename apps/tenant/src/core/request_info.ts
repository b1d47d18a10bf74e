/** What rules and hooks know about the current request (PocketBase's RequestInfo). */
import { SUPERUSERS_ID } from './collection_model.js';
import type { RecordModel } from './record_model.js';

/** Where a request comes from, as `@request.context`. */
export type RequestContext = 'default' | 'oauth2' | 'otp' | 'password' | 'realtime' | 'protectedFile' | 'batch' | 'expand';

/** The request as rules see it. */
export interface RequestInfo {
  context: RequestContext;
  method: string;
  /** Header names lower-cased with `-` turned into `_`. */
  headers: Record<string, string>;
  query: Record<string, string>;
  body: Record<string, unknown>;
  auth: RecordModel | undefined;
}

/** True when the request is authenticated as a superuser. */
export function isSuperuserAuth(info: Pick<RequestInfo, 'auth'>): boolean {
  return info.auth?.collection.id === SUPERUSERS_ID;
}

/** Normalises header names as `@request.headers.*` expects them. */
export function normalizeHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    out[k.toLowerCase().replace(/-/g, '_')] = Array.isArray(v) ? v.join(',') : v;
  }
  return out;
}
