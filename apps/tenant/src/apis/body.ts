/** Request bodies as PocketBase accepts them: JSON, urlencoded, multipart (+ `@jsonPayload`). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { createWriteStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseQueryString } from 'node:querystring';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SNIFF_BYTES } from '../tools/filesystem/mime.js';
import { randomString } from '../tools/security/random.js';
import { ApiError, badRequest, tooLarge } from '../tools/router/api_error.js';
import { isPlainObject } from '../tools/types/objects.js';

/** Global request body limit (PocketBase: 32 MiB). */
export const BODY_LIMIT = 32 << 20;

/** An uploaded file part, written to a temporary file. */
export interface UploadedFile {
  /** The multipart field name (e.g. "documents+"). */
  field: string;
  /** The client's file name. */
  filename: string;
  size: number;
  /** The temporary file holding the bytes ("" when the route takes no uploads). */
  path: string;
  /** The first bytes (up to SNIFF_BYTES), for type detection. */
  head: Buffer;
}

/** A parsed body: plain values plus uploaded files. */
export interface ParsedBody {
  data: Record<string, unknown>;
  files: UploadedFile[];
}

/** How a route reads its body. */
export interface ReadBodyOptions {
  /** Upper bound of the whole multipart body (default BODY_LIMIT). */
  limit?: number;
  /** Directory for uploads; without it file parts are read and dropped. */
  uploadsDir?: string;
}

/** Removes the temporary files of a body's uploads that were not stored. */
export function disposeBody(body: ParsedBody): void {
  for (const f of body.files) if (f.path) rmSync(f.path, { force: true });
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
export async function readBody(request: FastifyRequest, opts: ReadBodyOptions = {}): Promise<ParsedBody> {
  if (request.isMultipart()) return readMultipart(request, opts);
  const body = request.body;
  if (body === undefined || body === null) return { data: {}, files: [] };
  if (Buffer.isBuffer(body)) {
    if (body.length === 0) return { data: {}, files: [] };
    throw badRequest(INVALID_FORMAT);
  }
  if (!isPlainObject(body)) throw badRequest(INVALID_FORMAT);
  return { data: { ...body }, files: [] };
}

// Counts a file part's bytes and keeps its head while they stream to disk.
function meter(count: (n: number) => void, head: Buffer[]): Transform {
  let kept = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        count(chunk.length);
      } catch (err) {
        done(err as Error);
        return;
      }
      if (kept < SNIFF_BYTES) {
        const part = chunk.subarray(0, SNIFF_BYTES - kept);
        head.push(Buffer.from(part));
        kept += part.length;
      }
      done(null, chunk);
    },
  });
}

async function receiveFile(part: { file: NodeJS.ReadableStream; fieldname: string; filename: string }, opts: ReadBodyOptions, count: (n: number) => void, files: UploadedFile[]): Promise<void> {
  const head: Buffer[] = [];
  let size = 0;
  const counting = (n: number) => {
    size += n;
    count(n);
  };
  const upload: UploadedFile = { field: part.fieldname, filename: part.filename, size: 0, path: '', head: Buffer.alloc(0) };
  if (opts.uploadsDir) {
    upload.path = join(opts.uploadsDir, `${randomString(24)}.part`);
    files.push(upload); // listed before writing, so a failure cleans it up too
    await pipeline(part.file, meter(counting, head), createWriteStream(upload.path, { flags: 'wx' }));
  } else {
    for await (const chunk of part.file) counting((chunk as Buffer).length);
    files.push(upload);
  }
  upload.size = size;
  upload.head = Buffer.concat(head);
}

// Multipart: fields and files in order, the whole body capped, plus `@jsonPayload`.
async function readMultipart(request: FastifyRequest, opts: ReadBodyOptions): Promise<ParsedBody> {
  const limit = opts.limit ?? BODY_LIMIT;
  const data: Record<string, unknown> = {};
  const files: UploadedFile[] = [];
  let total = 0;
  const count = (n: number) => {
    total += n;
    if (total > limit) throw tooLarge();
  };
  try {
    for await (const part of request.parts({ limits: { fileSize: limit, fieldSize: BODY_LIMIT, parts: 10_000 } })) {
      if (part.type === 'file') {
        await receiveFile(part, opts, count, files);
      } else {
        const value = typeof part.value === 'string' ? part.value : String(part.value ?? '');
        count(Buffer.byteLength(value) + part.fieldname.length);
        addValue(data, part.fieldname, value);
      }
    }
  } catch (err) {
    disposeBody({ data, files });
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
      disposeBody({ data, files });
      throw badRequest(INVALID_FORMAT, {}, err);
    }
    if (!isPlainObject(parsed)) {
      disposeBody({ data, files });
      throw badRequest(INVALID_FORMAT);
    }
    Object.assign(data, parsed);
  }
  return { data, files };
}
