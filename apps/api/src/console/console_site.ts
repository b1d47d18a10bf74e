/**
 * The web console's build (apps/console/dist) served at `/`. The build is a handful of files,
 * so they are read once at boot into memory with their ETag and gzip/brotli copies: a request
 * never touches the disk and no path from a request is ever joined to a directory. A path that
 * is not a file of the build and has no extension is a client-side route and gets index.html.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Content types of what a Vite build emits. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** A build bigger than this is not a console build: refuse to hold it in memory. */
const MAX_TOTAL_BYTES = 32 * 1024 * 1024;
const MAX_FILES = 500;

/** The console talks to its own origin only; no inline script, no framing. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** One file of the build. */
interface Asset {
  type: string;
  etag: string;
  /** Hashed file names (Vite's assets/) never change: cached for a year. */
  immutable: boolean;
  body: Buffer;
  gzip?: Buffer;
  br?: Buffer;
}

/** Prefixes that belong to the API: a miss there is a JSON 404, never the console's page. */
const API_PREFIXES = ['/api/', '/metrics'];

/** The console build held in memory. */
export class ConsoleSite {
  private constructor(private readonly assets: Map<string, Asset>) {}

  /** Reads the build in `dir`; undefined when there is none (index.html missing). */
  static load(dir: string): ConsoleSite | undefined {
    let files: string[];
    try {
      if (!statSync(join(dir, 'index.html')).isFile()) return undefined;
      files = listFiles(dir);
    } catch {
      return undefined;
    }
    if (files.length > MAX_FILES) throw new Error(`${dir} has more than ${MAX_FILES} files: not a console build`);
    const assets = new Map<string, Asset>();
    const names = new Set(files);
    let total = 0;
    for (const file of files) {
      // `x.br` / `x.gz` written by the build next to `x` are its compressed copies, not assets.
      if (/\.(br|gz)$/.test(file) && names.has(file.slice(0, -3))) continue;
      const body = readFileSync(file);
      total += body.length;
      if (total > MAX_TOTAL_BYTES) throw new Error(`${dir} is larger than ${MAX_TOTAL_BYTES} bytes: not a console build`);
      const path = '/' + relative(dir, file).split(sep).join('/');
      const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
      const asset: Asset = { type, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`, immutable: path.startsWith('/assets/') };
      if (compressible(type) && body.length > 1024) {
        // Compressed by the build (scripts/build_console.mjs): brotli at its best level takes
        // ~0.7 s for the app's script, too much for every api start. Other builds: done here.
        asset.gzip = readIfPresent(`${file}.gz`) ?? gzipSync(body, { level: 9 });
        asset.br = readIfPresent(`${file}.br`) ?? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
      }
      assets.set(path, asset);
    }
    return new ConsoleSite(assets);
  }

  /** Paths of the build (tests, logs). */
  get paths(): string[] {
    return [...this.assets.keys()].sort();
  }

  /** Adds `GET /` and the catch-all `GET /*` (HEAD follows) to the api's Fastify instance. */
  register(fastify: FastifyInstance): void {
    const handler = (request: FastifyRequest, reply: FastifyReply) => this.serve(request, reply);
    fastify.get('/', handler);
    fastify.get('/*', handler);
  }

  private serve(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const path = request.url.split('?')[0];
    if (path === '/api' || API_PREFIXES.some((p) => path.startsWith(p))) {
      return reply.status(404).send({ status: 404, message: 'The requested resource was not found.', data: {} });
    }
    let asset = this.assets.get(path);
    // A client-side route (/instances/abc/logs) is the app's page; a missing file (/assets/x.js) is a 404.
    if (!asset && extname(path) === '') asset = this.assets.get('/index.html');
    if (!asset) return reply.status(404).type('text/plain; charset=utf-8').headers(SECURITY_HEADERS).send('Not found');
    const accepted = acceptedEncodings(String(request.headers['accept-encoding'] ?? ''));
    const [body, encoding] = asset.br && accepted.has('br') ? [asset.br, 'br'] : asset.gzip && accepted.has('gzip') ? [asset.gzip, 'gzip'] : [asset.body, undefined];
    // One strong validator per representation: the compressed bodies are different bytes.
    const etag = encoding ? `${asset.etag.slice(0, -1)}-${encoding}"` : asset.etag;
    void reply.headers(SECURITY_HEADERS).header('etag', etag).header('vary', 'accept-encoding');
    void reply.header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (request.headers['if-none-match'] === etag) return reply.status(304).send();
    if (encoding) void reply.header('content-encoding', encoding);
    return reply.type(asset.type).send(body);
  }
}

/** The codings an Accept-Encoding allows (`q=0` refuses one). */
function acceptedEncodings(header: string): Set<string> {
  const out = new Set<string>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && !(q !== undefined && Number(q.slice(2)) === 0)) out.add(name.trim());
  }
  return out;
}

function compressible(type: string): boolean {
  return /^(text\/|application\/json|image\/svg)/.test(type);
}

function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Every regular file under `dir` (symlinks are not followed: the build has none). */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}
