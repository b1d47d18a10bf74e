/** Request bodies as PocketBase accepts them: JSON, urlencoded, multipart (+ `@jsonPayload`). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { parse as parseQueryString } from 'node:querystring';
import { ApiError, badRequest, tooLarge } from '../tools/router/api_error.js';
import { isPlainObject } from '../tools/types/objects.js';

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
  // Parts are read in readBody, which caps the total size (busboy's limits are per part).
  await server.register(multipart, {
    limits: { fileSize: BODY_LIMIT, fieldSize: BODY_LIMIT, parts: 10_000 },
  });
  // Anything else (text/plain, no content type...) is read as an opaque string.
  server.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));
}

function addValue(target: Record<string, unknown>, key: string, value: unknown): void {
  if (!(key in target)) target[key] = value;
  else if (Array.isArray(target[key])) (target[key] as unknown[]).push(value);
  else target[key] = [target[key], value];
}

/** Normalises the parsed body of any content type into data + files. */
export async function readBody(request: FastifyRequest): Promise<ParsedBody> {
  if (request.isMultipart()) return readMultipart(request);
  const body = request.body;
  if (body === undefined || body === null) return { data: {}, files: [] };
  if (Buffer.isBuffer(body)) {
    if (body.length === 0) return { data: {}, files: [] };
    throw badRequest(INVALID_FORMAT);
  }
  if (!isPlainObject(body)) throw badRequest(INVALID_FORMAT);
  return { data: { ...body }, files: [] };
}

// Multipart: fields and files in order, the whole body capped at BODY_LIMIT, plus `@jsonPayload`.
async function readMultipart(request: FastifyRequest): Promise<ParsedBody> {
  const data: Record<string, unknown> = {};
  const files: UploadedFile[] = [];
  let total = 0;
  const count = (n: number) => {
    total += n;
    if (total > BODY_LIMIT) throw tooLarge();
  };
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        // Uploads come with the files issue: the bytes are counted and dropped, not buffered.
        for await (const chunk of part.file) count((chunk as Buffer).length);
        files.push({ field: part.fieldname, filename: part.filename, mimetype: part.mimetype, data: Buffer.alloc(0) });
      } else {
        const value = typeof part.value === 'string' ? part.value : String(part.value ?? '');
        count(Buffer.byteLength(value) + part.fieldname.length);
        addValue(data, part.fieldname, value);
      }
    }
  } catch (err) {
    // Our own errors and the plugin's limit errors (FST_*) keep their meaning; anything else
    // is a malformed body from busboy.
    if (err instanceof ApiError || String((err as { code?: unknown }).code ?? '').startsWith('FST_')) throw err;
    throw badRequest(INVALID_FORMAT, {}, err);
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
