/**
 * A single-page app's build (the console at the api's `/`, a tenant's dashboard at `/_/`). The
 * build is a handful of files, so they are read once into memory with their ETag and
 * gzip/brotli copies: a request never touches the disk and no path from a request is ever
 * joined to a directory. A path that is not a file of the build and has no extension is a
 * client-side route and gets index.html.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

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

/** A build bigger than this is not an app's build: refuse to hold it in memory. */
const MAX_TOTAL_BYTES = 32 * 1024 * 1024;
const MAX_FILES = 500;

/** The app talks to its own origin only; no inline script, no framing. */
const DEFAULT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

function securityHeaders(csp: string): Record<string, string> {
  return { 'content-security-policy': csp, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };
}

/** Options of SpaSite.load. */
export interface SpaSiteOptions {
  /** Content-Security-Policy of every answer (default: own origin only, data: images). */
  csp?: string;
}

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

/** An app's build held in memory. */
export class SpaSite {
  private readonly headers: Record<string, string>;

  private constructor(
    private readonly assets: Map<string, Asset>,
    opts: SpaSiteOptions,
  ) {
    this.headers = securityHeaders(opts.csp ?? DEFAULT_CSP);
  }

  /** Reads the build in `dir`; undefined when there is none (index.html missing). */
  static load(dir: string, opts: SpaSiteOptions = {}): SpaSite | undefined {
    let files: string[];
    try {
      if (!statSync(join(dir, 'index.html')).isFile()) return undefined;
      files = listFiles(dir);
    } catch {
      return undefined;
    }
    if (files.length > MAX_FILES) throw new Error(`${dir} has more than ${MAX_FILES} files: not an app build`);
    const assets = new Map<string, Asset>();
    const names = new Set(files);
    let total = 0;
    for (const file of files) {
      // `x.br` / `x.gz` written by the build next to `x` are its compressed copies, not assets.
      if (/\.(br|gz)$/.test(file) && names.has(file.slice(0, -3))) continue;
      const body = readFileSync(file);
      total += body.length;
      if (total > MAX_TOTAL_BYTES) throw new Error(`${dir} is larger than ${MAX_TOTAL_BYTES} bytes: not an app build`);
      const path = '/' + relative(dir, file).split(sep).join('/');
      const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
      const asset: Asset = { type, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`, immutable: path.startsWith('/assets/') };
      if (compressible(type) && body.length > 1024) {
        // Compressed by the build (scripts/build_spa.mjs): brotli at its best level takes ~0.7 s
        // for an app's script, too much for every start. Other builds: done here.
        asset.gzip = readIfPresent(`${file}.gz`) ?? gzipSync(body, { level: 9 });
        asset.br = readIfPresent(`${file}.br`) ?? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
      }
      assets.set(path, asset);
    }
    return new SpaSite(assets, opts);
  }

  /** Paths of the build (tests, logs). */
  get paths(): string[] {
    return [...this.assets.keys()].sort();
  }

  /**
   * Answers `path` (the request's path inside the app's mount, starting with `/`): a file of
   * the build, index.html for a client route, or a 404.
   */
  serve(path: string, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    let asset = this.assets.get(path);
    // A client-side route (/instances/abc/logs) is the app's page; a missing file (/assets/x.js) is a 404.
    if (!asset && extname(path) === '') asset = this.assets.get('/index.html');
    if (!asset) return reply.status(404).type('text/plain; charset=utf-8').headers(this.headers).send('Not found');
    const accepted = acceptedEncodings(String(request.headers['accept-encoding'] ?? ''));
    const [body, encoding] = asset.br && accepted.has('br') ? [asset.br, 'br'] : asset.gzip && accepted.has('gzip') ? [asset.gzip, 'gzip'] : [asset.body, undefined];
    // One strong validator per representation: the compressed bodies are different bytes.
    const etag = encoding ? `${asset.etag.slice(0, -1)}-${encoding}"` : asset.etag;
    void reply.headers(this.headers).header('etag', etag).header('vary', 'accept-encoding');
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
