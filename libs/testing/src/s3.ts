/**
 * A real, throwaway S3-compatible server (s3rver, in a child process: see s3_server_main.ts) on
 * a free 127.0.0.1 port, its objects in a temp dir. It checks request signatures against one
 * fixed key pair, so wrong credentials are refused as by a real store; requests without any
 * signature are served, which is how createBucket and listKeys talk to it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A running S3-compatible server. */
export interface S3ServerHandle {
  /** `http://127.0.0.1:<port>`: use path-style URLs. */
  endpoint: string;
  port: number;
  region: string;
  /** The one key pair the server accepts. */
  accessKeyId: string;
  secretAccessKey: string;
  /** Creates an empty bucket. */
  createBucket(name: string): Promise<void>;
  /** Every object key in `bucket` (under `prefix`), sorted, listed through the S3 API. */
  listKeys(bucket: string, prefix?: string): Promise<string[]>;
  /** Stops the server and removes its files. */
  stop(): Promise<void>;
}

/** Always the compiled entry (plain node: tsx's require hook breaks one of s3rver's dependencies). */
const MAIN = fileURLToPath(new URL('../dist/s3_server_main.js', import.meta.url));
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/** Starts the server with the given buckets; fails clearly when s3rver is not installed. */
export async function startS3Server(opts: { buckets?: string[] } = {}): Promise<S3ServerHandle> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build the workspace first (npx tsc -b)`);
  const dir = mkdtempSync(join(tmpdir(), 'burrow-s3-'));
  // No environment: nothing is needed, and a NODE_OPTIONS loading tsx must not reach it.
  const child = spawn(process.execPath, [MAIN, dir], { env: {}, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    output = (output + d).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`s3rver did not start in ${START_TIMEOUT_MS} ms: ${output}`)), START_TIMEOUT_MS);
      let pending = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => {
        pending += d;
        const line = pending.split('\n')[0];
        if (pending.includes('\n') && line) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { port: number }).port);
        }
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`s3rver exited (code ${code}): ${output}`));
      });
    });
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  // Running, it must not keep a test process alive; stop() holds the loop until it is gone.
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void }).unref?.();

  const endpoint = `http://127.0.0.1:${port}`;
  const handle: S3ServerHandle = {
    endpoint,
    port,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    async createBucket(name) {
      const res = await fetch(`${endpoint}/${encodeURIComponent(name)}`, { method: 'PUT' });
      if (!res.ok) throw new Error(`create bucket ${name}: ${res.status} ${await res.text()}`);
    },
    async listKeys(bucket, prefix = '') {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const query = new URLSearchParams({ 'list-type': '2', prefix, ...(token ? { 'continuation-token': token } : {}) });
        const res = await fetch(`${endpoint}/${encodeURIComponent(bucket)}?${query}`);
        const xml = await res.text();
        if (!res.ok) throw new Error(`list ${bucket}: ${res.status} ${xml}`);
        for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(decodeXml(m[1] ?? ''));
        token = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml)?.[1];
      } while (token);
      return keys.sort();
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.ref();
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    for (const name of opts.buckets ?? []) await handle.createBucket(name);
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return handle;
}

/** The text of an XML character-data string (s3rver escapes keys as HTML entities). */
function decodeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[e.toLowerCase()] ?? `&${e};`;
  });
}
