/**
 * Sends a stored file over HTTP as a file server should: detected Content-Type, one
 * open file descriptor per response, Last-Modified with If-Modified-Since (304), single
 * byte ranges (206, 416 when unsatisfiable; If-Range honoured), HEAD without a body, and
 * PocketBase's download headers (Content-Disposition, a sandboxing CSP, 30-day caching).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { open } from 'node:fs/promises';
import { detectType, SNIFF_BYTES, type DetectedType } from '../tools/filesystem/mime.js';

/** How a file is presented. */
export interface SendFileOptions {
  disposition(detectedType: string): 'inline' | 'attachment';
  contentType(detected: DetectedType): string;
}

/** A byte range, both ends inclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parses a Range header against a size: a range, 'unsatisfiable', or undefined to send
 * the whole file (no header, a unit other than bytes, several ranges, or a malformed one).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=\s*(\d*)-(\d*)\s*$/.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/** Read size when streaming a file. */
const READ_CHUNK = 1 << 20;

const httpDate = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toUTCString();

// If-Modified-Since / If-Range compare at whole seconds, as HTTP dates do.
function notModifiedSince(header: string | undefined, mtimeMs: number): boolean {
  if (!header) return false;
  const since = Date.parse(header);
  return Number.isFinite(since) && Math.floor(mtimeMs / 1000) * 1000 <= since;
}

/** Sends the file at `path` as `name`; false when it does not exist. */
export async function sendFile(request: FastifyRequest, reply: FastifyReply, path: string, name: string, opts: SendFileOptions): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return false;
  }
  let streaming = false;
  try {
    const st = await handle.stat();
    if (!st.isFile()) return false;
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, st.size));
    await handle.read(head, 0, head.length, 0);
    const detected = detectType(head, st.size <= head.length);

    reply
      .header('content-disposition', `${opts.disposition(detected.mime)}; filename=${name}`)
      .header('content-type', opts.contentType(detected))
      .header('content-security-policy', "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox")
      .header('cache-control', 'max-age=2592000, stale-while-revalidate=86400')
      .header('last-modified', httpDate(st.mtimeMs))
      .header('accept-ranges', 'bytes');

    if (request.headers['if-none-match'] === undefined && notModifiedSince(request.headers['if-modified-since'], st.mtimeMs)) {
      reply.removeHeader('content-type');
      reply.code(304).send();
      return true;
    }

    const ifRange = request.headers['if-range'] as string | undefined;
    const rangeHeader = ifRange === undefined || notModifiedSince(ifRange, st.mtimeMs) ? request.headers.range : undefined;
    const range = parseRange(rangeHeader, st.size);
    if (range === 'unsatisfiable') {
      reply.code(416).header('content-range', `bytes */${st.size}`).header('content-type', 'text/plain; charset=utf-8').send('invalid range: failed to overlap');
      return true;
    }
    const start = range?.start ?? 0;
    const end = range?.end ?? st.size - 1;
    const length = st.size === 0 ? 0 : end - start + 1;
    if (range) reply.code(206).header('content-range', `bytes ${start}-${end}/${st.size}`);
    reply.header('content-length', length);
    if (request.method === 'HEAD' || length === 0) {
      reply.send();
      return true;
    }
    streaming = true;
    // Large reads: the default 64 KiB chunks cost a syscall and a socket write each.
    reply.send(handle.createReadStream({ start, end, autoClose: true, highWaterMark: Math.min(length, READ_CHUNK) }));
    return true;
  } finally {
    if (!streaming) await handle.close();
  }
}
