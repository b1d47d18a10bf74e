/** Per-request helpers shared by every API file: auth, request info, JSON replies. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TenantApp } from '../core/app.js';
import type { RecordModel } from '../core/record_model.js';
import type { RequestContext, RequestInfo } from '../core/request_info.js';
import { isSuperuserAuth, normalizeHeaders } from '../core/request_info.js';
import { findRecordByToken } from '../core/tokens.js';
import { badRequest, forbidden, unauthorized } from '../tools/router/api_error.js';
import { PickerError, pickFields } from '../tools/picker/picker.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated record (undefined for guests). */
    auth: RecordModel | undefined;
  }
}

/** The token of an `Authorization` value (an optional `Bearer ` prefix is accepted). */
export function tokenFromHeader(header: string | undefined): string {
  return header ? header.replace(/^bearer\s+/i, '').trim() : '';
}

/** Reads the token from the request's `Authorization` header. */
export function tokenFromRequest(request: FastifyRequest): string {
  return tokenFromHeader(request.headers.authorization);
}

/** Loads the auth record of a request from its token; invalid tokens mean "guest". */
export function loadAuth(app: TenantApp, request: FastifyRequest): RecordModel | undefined {
  const token = tokenFromRequest(request);
  if (!token) return undefined;
  return findRecordByToken(app, token, 'auth')?.record;
}

/** The query string as a flat string map (last value wins for repeated keys). */
export function queryOf(request: FastifyRequest): Record<string, string> {
  const q = (request.query ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) {
    if (Array.isArray(v)) out[k] = String(v[v.length - 1] ?? '');
    else if (v !== undefined) out[k] = String(v);
  }
  return out;
}

/** Builds the RequestInfo that rules and hooks see (`auth` overrides the request's own). */
export function requestInfo(
  request: FastifyRequest,
  body: Record<string, unknown> = {},
  context: RequestContext = 'default',
  auth: RecordModel | undefined = request.auth,
): RequestInfo {
  let headers: Record<string, string> | undefined;
  return {
    context,
    method: request.method.toUpperCase(),
    // Normalised on first use: most rules never read @request.headers.
    get headers() {
      headers ??= normalizeHeaders(request.headers);
      return headers;
    },
    query: queryOf(request),
    body,
    auth,
  };
}

/** Throws 401 unless a superuser is authenticated (PocketBase's RequireSuperuserAuth). */
export function requireSuperuser(request: FastifyRequest): void {
  if (!request.auth) throw unauthorized('The request requires valid superuser authorization token.');
  if (!isSuperuserAuth({ auth: request.auth })) throw forbidden('The authorized record is not allowed to perform this action.');
}

/** Applies a `fields` value to a 2xx response body (400 for a malformed one). */
export function applyFieldsParam(data: unknown, fields: string | undefined, status: number): unknown {
  if (!fields || status < 200 || status >= 300) return data;
  try {
    // through JSON first so that models (toJSON) are picked as the client sees them
    return pickFields(JSON.parse(JSON.stringify(data)), fields);
  } catch (err) {
    if (err instanceof PickerError) throw badRequest(err.message);
    throw err;
  }
}

/** Sends JSON with PocketBase's `fields` picker applied to 2xx responses. */
export function sendJSON(request: FastifyRequest, reply: FastifyReply, status: number, data: unknown): FastifyReply {
  const body = applyFieldsParam(data, queryOf(request).fields, status);
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}
