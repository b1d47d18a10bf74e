/** Request bodies as PocketBase accepts them: JSON, urlencoded, multipart (+ `@jsonPayload`). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { parse as parseQueryString } from 'node:querystring';
import { ApiError, badRequest } from '../tools/router/api_error.js';

/** Global request body limit (PocketBase: 32 MiB). */
export const BODY_LIMIT = 32 << 20;

/** An uploaded file part. */
export interface UploadedFile {
  field: string;
  filename: string;
  mimetype: string;
  data: Buffer;
}

/** A parsed body: plain values plus uploaded files. */
export interface ParsedBody {
  data: Record<string, unknown>;
  files: UploadedFile[];
}

const INVALID_FORMAT = 'Failed to load the submitted data due to invalid formatting.';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Registers the JSON, urlencoded and multipart parsers on a Fastify instance. */
export async function registerBodyParsers(server: FastifyInstance): Promise<void> {
  server.removeContentTypeParser('application/json');
  server.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(badRequest(INVALID_FORMAT, {}, err), undefined);
    }
  });
  server.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
    done(null, parseQueryString(String(body)));
  });
  await server.register(multipart, {
    attachFieldsToBody: true,
    limits: { fileSize: BODY_LIMIT, fieldSize: BODY_LIMIT, parts: 10_000 },
  });
  // Anything else (text/plain, no content type...) is read as an opaque string.
  server.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));
}

interface MultipartEntry {
  type: 'field' | 'file';
  fieldname: string;
  value?: unknown;
  filename?: string;
  mimetype?: string;
  toBuffer?: () => Promise<Buffer>;
}

function isMultipartEntry(v: unknown): v is MultipartEntry {
  return isPlainObject(v) && (v.type === 'field' || v.type === 'file') && typeof v.fieldname === 'string';
}

function addValue(target: Record<string, unknown>, key: string, value: unknown): void {
  if (!(key in target)) target[key] = value;
  else if (Array.isArray(target[key])) (target[key] as unknown[]).push(value);
  else target[key] = [target[key], value];
}

/** Normalises the parsed body of any content type into data + files. */
export async function readBody(request: FastifyRequest): Promise<ParsedBody> {
  const body = request.body;
  if (body === undefined || body === null) return { data: {}, files: [] };
  if (Buffer.isBuffer(body)) {
    if (body.length === 0) return { data: {}, files: [] };
    throw badRequest(INVALID_FORMAT);
  }
  if (!request.isMultipart()) {
    if (!isPlainObject(body)) throw badRequest(INVALID_FORMAT);
    return { data: { ...body }, files: [] };
  }
  const data: Record<string, unknown> = {};
  const files: UploadedFile[] = [];
  for (const raw of Object.values(body as Record<string, unknown>)) {
    const entries = Array.isArray(raw) ? raw : [raw];
    for (const e of entries) {
      if (!isMultipartEntry(e)) continue;
      if (e.type === 'file') {
        const data = e.toBuffer ? await e.toBuffer() : Buffer.alloc(0);
        files.push({ field: e.fieldname, filename: e.filename ?? '', mimetype: e.mimetype ?? '', data });
      } else {
        addValue(data, e.fieldname, e.value);
      }
    }
  }
  const payload = data['@jsonPayload'];
  delete data['@jsonPayload'];
  for (const p of Array.isArray(payload) ? payload : payload === undefined ? [] : [payload]) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(p));
    } catch (err) {
      throw badRequest(INVALID_FORMAT, {}, err);
    }
    if (!isPlainObject(parsed)) throw badRequest(INVALID_FORMAT);
    Object.assign(data, parsed);
  }
  return { data, files };
}

/** True when the error is our own ApiError. */
export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}
