/** POST /api/batch: several record writes in one transaction (PocketBase's batch API). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TenantApp } from '../core/app.js';
import { findRecordById } from '../core/record_find.js';
import type { RequestInfo } from '../core/request_info.js';
import { normalizeHeaders } from '../core/request_info.js';
import { findRecordByToken } from '../core/tokens.js';
import { ApiError, fieldError, forbidden, ValidationError } from '../tools/router/api_error.js';
import type { ErrorData } from '../tools/router/api_error.js';
import { disposeBody, readBody, type ParsedBody, type UploadedFile } from './body.js';
import { applyFieldsParam, tokenFromHeader } from './context.js';
import { checkCollectionRateLimit } from './rate_limit.js';
import type { ActionResult, RecordActionInput } from './record_actions.js';
import { createAction, deleteAction, updateAction } from './record_actions.js';
import { isPlainObject } from '../tools/types/objects.js';

interface SubRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Body limit of a batch when the settings leave it at 0 (PocketBase's default). */
const DEFAULT_MAX_BODY_SIZE = 128 << 20;

const RECORDS_RE = /^\/api\/collections\/([^/?#]+)\/records(?:\/([^/?#]+))?\/?$/;


function readRequests(data: Record<string, unknown>, max: number): SubRequest[] {
  const raw = data.requests;
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ValidationError({ requests: fieldError('validation_required', 'Cannot be blank.') }, 'Invalid batch request data.');
  }
  if (raw.length > max) {
    throw new ValidationError({ requests: fieldError('validation_length_too_long', `The length must be no more than ${max}.`) }, 'Invalid batch request data.');
  }
  const errors: ErrorData = {};
  const out = raw.map((item, i): SubRequest => {
    const r = isPlainObject(item) ? item : {};
    const e: ErrorData = {};
    const method = typeof r.method === 'string' ? r.method.toUpperCase() : '';
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) e.method = fieldError('validation_in_invalid', 'Must be a valid value.');
    const url = typeof r.url === 'string' ? r.url : '';
    if (!url) e.url = fieldError('validation_required', 'Cannot be blank.');
    if (Object.keys(e).length) errors[String(i)] = e;
    const headers: Record<string, string> = {};
    if (isPlainObject(r.headers)) for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = String(v);
    return { method, url, headers, body: isPlainObject(r.body) ? r.body : {} };
  });
  if (Object.keys(errors).length) throw new ValidationError({ requests: errors }, 'Invalid batch request data.');
  return out;
}

// Runs one sub-request through the same actions the record routes use.
function runSub(app: TenantApp, parent: FastifyRequest, sub: SubRequest, index: number, uploads: UploadedFile[]): ActionResult {
  const url = new URL(sub.url, 'http://batch.local');
  const m = RECORDS_RE.exec(url.pathname);
  if (!m) throw new ApiError(404);
  let collection: string;
  let id: string | undefined;
  try {
    collection = decodeURIComponent(m[1]);
    id = m[2] ? decodeURIComponent(m[2]) : undefined;
  } catch {
    throw new ApiError(404);
  }
  const query: Record<string, string> = {};
  url.searchParams.forEach((v, k) => (query[k] = v));
  let auth = parent.auth;
  const authHeader = sub.headers.authorization;
  if (authHeader !== undefined) {
    const token = tokenFromHeader(authHeader);
    auth = token ? findRecordByToken(app, token, 'auth')?.record : undefined;
  }
  const info: RequestInfo = {
    context: 'batch',
    method: sub.method,
    headers: normalizeHeaders({ ...parent.headers, ...sub.headers }),
    query,
    body: sub.body,
    auth,
  };
  const target = app.collections.find(collection);
  if (target) checkCollectionRateLimit(app, parent, target, sub.method === 'DELETE' ? 'delete' : sub.method === 'PATCH' || (sub.method === 'PUT' && id) ? 'update' : 'create');
  const input: RecordActionInput = { collection, id, info, body: { data: sub.body, files: uploads }, uploadPrefix: `requests.${index}.` };
  let result: ActionResult;
  if (sub.method === 'POST' && !id) result = createAction(app, input);
  else if (sub.method === 'PUT' && !id) {
    const c = app.collections.find(collection);
    const upsertId = typeof sub.body.id === 'string' ? sub.body.id : '';
    const exists = c && upsertId ? findRecordById(app, c, upsertId) : undefined;
    result = exists ? updateAction(app, { ...input, id: upsertId }) : createAction(app, input);
  } else if (sub.method === 'PATCH' && id) result = updateAction(app, input);
  else if (sub.method === 'DELETE' && id) result = deleteAction(app, input);
  else throw new ApiError(404);
  return { ...result, body: applyFieldsParam(result.body, query.fields, result.status) };
}

/** Binds the batch route. */
export function bindBatchApi(app: TenantApp, server: FastifyInstance): void {
  server.post('/api/batch', async (request, reply) => {
    const settings = app.settings.get().batch;
    if (!settings.enabled) throw forbidden('Batch requests are not allowed.');
    const maxBodySize = settings.maxBodySize > 0 ? settings.maxBodySize : DEFAULT_MAX_BODY_SIZE;
    const parsed = await readBody(request, { limit: maxBodySize, uploadsDir: app.files.uploadsDir });
    try {
      return runBatch(app, request, reply, parsed);
    } finally {
      disposeBody(parsed);
    }
  });
}

function runBatch(app: TenantApp, request: FastifyRequest, reply: FastifyReply, parsed: ParsedBody): FastifyReply {
  const settings = app.settings.get().batch;
  const { data } = parsed;
  // Files come as "requests.N.field" or "requests[N].field".
  const files = parsed.files.map((f) => ({ ...f, field: f.field.replace(/^requests\[(\d+)\]\./, 'requests.$1.') }));
  const subs = readRequests(data, settings.maxRequests);
  const results: ActionResult[] = [];
  const deadline = Date.now() + settings.timeout * 1000;
  app.hooks.trigger('OnBatchRequest', { app, requests: subs }, () => {
    app.write(() => {
      subs.forEach((sub, i) => {
        try {
          if (Date.now() > deadline) throw new ApiError(400, 'Batch transaction timed out.');
          results.push(runSub(app, request, sub, i, files));
        } catch (err) {
          const apiErr = err instanceof ApiError ? err : new ApiError(500, undefined, {}, err);
          const failure = { code: 'batch_request_failed', message: 'Batch request failed.', response: apiErr.toJSON() };
          throw new ValidationError({ requests: { [String(i)]: failure as unknown as ErrorData } }, 'Batch transaction failed.');
        }
      });
    });
  });
  const body = results.map((r) => ({ body: r.status === 204 ? null : r.body, status: r.status }));
  return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}
