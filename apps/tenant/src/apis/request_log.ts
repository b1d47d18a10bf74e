/**
 * The request log (PocketBase's activity logger): one entry per finished request in the
 * logs, with its fields (type, execTime, url, method, status, referer, userAgent, auth,
 * authId, userIP, remoteIP, error, details). Errors log at error level, the rest at info;
 * routes may skip logging their successes (the logs API itself does).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantApp } from '../core/app.js';
import { LogLevel } from '../core/logs.js';
import type { ApiError } from '../tools/router/api_error.js';
import { clientIP, remoteIP } from './real_ip.js';

interface RequestLogState {
  error?: ApiError;
  skipSuccess?: boolean;
  skip?: boolean;
}

const states = new WeakMap<FastifyRequest, RequestLogState>();
const state = (request: FastifyRequest): RequestLogState => {
  let s = states.get(request);
  if (!s) {
    s = {};
    states.set(request, s);
  }
  return s;
};

/** Records the error a request ended with (called by the error handler). */
export function noteRequestError(request: FastifyRequest, err: ApiError): void {
  state(request).error = err;
}

/** The request is not logged when it succeeds. */
export function skipSuccessLog(request: FastifyRequest): void {
  state(request).skipSuccess = true;
}

/** The request is never logged (CORS preflights). */
export function skipLog(request: FastifyRequest): void {
  state(request).skip = true;
}

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}...` : s);

function messageOf(method: string, url: string): string {
  try {
    return `${method} ${decodeURI(url)}`;
  } catch {
    return `${method} ${url}`;
  }
}

/** Logs every finished request of `server` into the app's logs. */
export function bindRequestLog(app: TenantApp, server: FastifyInstance): void {
  server.addHook('onResponse', (request, reply, done) => {
    const s = states.get(request) ?? {};
    const settings = app.settings.get();
    if (s.skip || settings.logs.maxDays <= 0 || (s.skipSuccess && !s.error)) {
      done();
      return;
    }
    const method = cut(request.method.toUpperCase(), 50);
    const url = cut(request.url, 3000);
    const data: Record<string, unknown> = { type: 'request', execTime: reply.elapsedTime };
    if (s.error) {
      data.error = s.error.status >= 500 && s.error.cause instanceof Error ? s.error.cause.message : s.error.message;
      // With no field errors, the underlying cause (e.g. why an SMTP delivery failed) is the detail.
      const cause = s.error.cause;
      data.details = Object.keys(s.error.data).length === 0 && cause instanceof Error ? cause.message : s.error.data;
    }
    data.url = url;
    data.method = method;
    data.status = reply.statusCode;
    data.referer = cut(String(request.headers.referer ?? ''), 2000);
    data.userAgent = cut(String(request.headers['user-agent'] ?? ''), 2000);
    data.auth = request.auth?.collection.name ?? '';
    if (request.auth && settings.logs.logAuthId) data.authId = request.auth.id;
    if (settings.logs.logIP) {
      data.userIP = clientIP(app, request);
      data.remoteIP = remoteIP(request);
    }
    app.logs.add(s.error ? LogLevel.error : LogLevel.info, messageOf(method, url), data);
    done();
  });
}
