/**
 * Start and stop real server processes for tests and benchmarks: the reference
 * PocketBase binary and the Burrow tenant CLI. Both are driven the same way
 * (superuser upsert, then serve on a free loopback port, then wait for /api/health).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file lives in apps/tenant/test/support). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The reference PocketBase binary installed by `npm run setup`. */
export const POCKETBASE_BIN = join(REPO_ROOT, '.cache', 'bin', 'base');

/** The Burrow tenant CLI entry point. */
export const TENANT_BIN = join(REPO_ROOT, 'apps', 'tenant', 'bin', 'burrow-tenant.mjs');

/** Superuser created in every started server unless told otherwise. */
export const DEFAULT_SUPERUSER = { email: 'test@example.com', password: '1234567890' } as const;

/** Options shared by startPocketBase and startTenant. */
export interface StartOptions {
  /** Data directory to use; it is kept on stop. Default: a new temp dir, removed on stop. */
  dir?: string;
  /** Superuser to upsert before serving; `false` upserts none. */
  superuser?: { email: string; password: string } | false;
  /** Extra arguments appended to `serve`. */
  serveArgs?: string[];
  /** Extra environment for both the upsert and the server. */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for /api/health, in ms (default 30 000). */
  readyTimeoutMs?: number;
}

/** A running server. */
export interface ServerHandle {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The data directory passed as `--dir`. */
  dir: string;
  /** Process id of the server. */
  pid: number;
  /** Everything the server printed so far (stdout and stderr interleaved, tail only). */
  output(): string;
  /** SIGTERM, wait for exit (SIGKILL after a bound), remove the temp dir if we made it. */
  stop(): Promise<void>;
}

/** How a server kind is launched; PocketBase and the tenant differ only here. */
interface Launcher {
  name: string;
  /** Command and leading args; the CLI args (`serve ...`) are appended. */
  command: string;
  prefixArgs: string[];
  /** Args only this kind understands, appended after the common `serve` args. */
  extraServeArgs: string[];
  /** Creates a fresh data dir; returns it and the directory to remove on stop. */
  makeDir(): Promise<{ dir: string; cleanup: string }>;
}

const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL_CHARS = 64 * 1024;
const PORT_RETRIES = 3;

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('could not read the bound port'));
        return;
      }
      const port = addr.port;
      srv.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/** Starts the reference PocketBase binary. */
export async function startPocketBase(opts: StartOptions = {}): Promise<ServerHandle> {
  if (!existsSync(POCKETBASE_BIN)) {
    throw new Error(
      `PocketBase binary not found at ${POCKETBASE_BIN}; run \`npm run setup\` first.`,
    );
  }
  return startServer(
    {
      name: 'pocketbase',
      command: POCKETBASE_BIN,
      prefixArgs: [],
      // Automigrate would write JS migration files on every collection change.
      extraServeArgs: ['--automigrate=false'],
      // PocketBase looks for pb_hooks/pb_migrations beside its data dir, so the data
      // dir gets its own temp parent instead of sitting directly in /tmp.
      async makeDir() {
        const root = await mkdtemp(join(tmpdir(), 'burrow-pb-'));
        return { dir: join(root, 'pb_data'), cleanup: root };
      },
    },
    opts,
  );
}

/** Starts the Burrow tenant CLI under the current Node. */
export async function startTenant(opts: StartOptions = {}): Promise<ServerHandle> {
  if (!existsSync(TENANT_BIN)) {
    throw new Error(`Burrow tenant CLI not found at ${TENANT_BIN}.`);
  }
  return startServer(
    {
      name: 'tenant',
      command: process.execPath,
      prefixArgs: [TENANT_BIN],
      extraServeArgs: [],
      async makeDir() {
        const dir = await mkdtemp(join(tmpdir(), 'burrow-tenant-'));
        return { dir, cleanup: dir };
      },
    },
    opts,
  );
}

async function startServer(launcher: Launcher, opts: StartOptions): Promise<ServerHandle> {
  const { dir, cleanup } =
    opts.dir === undefined ? await launcher.makeDir() : { dir: opts.dir, cleanup: undefined };
  const env = { ...process.env, ...opts.env };
  try {
    const superuser = opts.superuser ?? DEFAULT_SUPERUSER;
    if (superuser !== false) {
      await runToCompletion(launcher, [
        'superuser',
        'upsert',
        superuser.email,
        superuser.password,
        '--dir',
        dir,
      ], env);
    }
    // freePort() releases the port before the server binds it, so another process can
    // grab it in between; retry on a fresh port when the server says so.
    for (let attempt = 1; ; attempt++) {
      try {
        return await serveOnce(launcher, dir, cleanup, opts, env);
      } catch (err) {
        if (attempt >= PORT_RETRIES || !(err instanceof PortInUseError)) throw err;
      }
    }
  } catch (err) {
    if (cleanup !== undefined) await rm(cleanup, { recursive: true, force: true });
    throw err;
  }
}

class PortInUseError extends Error {}

async function serveOnce(
  launcher: Launcher,
  dir: string,
  cleanup: string | undefined,
  opts: StartOptions,
  env: NodeJS.ProcessEnv,
): Promise<ServerHandle> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    ...launcher.prefixArgs,
    'serve',
    '--http',
    `127.0.0.1:${port}`,
    '--dir',
    dir,
    ...launcher.extraServeArgs,
    ...(opts.serveArgs ?? []),
  ];
  const child = spawn(launcher.command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = captureOutput(child);
  const exited = waitForExit(child);

  try {
    await waitHealthy(url, exited, opts.readyTimeoutMs ?? 30_000);
  } catch (err) {
    await killAndWait(child, exited);
    const text = out();
    if (/address already in use/i.test(text)) throw new PortInUseError(text);
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `${launcher.name} did not become healthy at ${url}: ${reason}\n` +
        `command: ${launcher.command} ${args.join(' ')}\n--- output ---\n${text}`,
    );
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    dir,
    pid: child.pid!,
    output: out,
    stop() {
      stopping ??= (async () => {
        await killAndWait(child, exited);
        if (cleanup !== undefined) await rm(cleanup, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/** Runs a one-shot CLI command (like `superuser upsert`); rejects with its output on failure. */
async function runToCompletion(
  launcher: Launcher,
  cliArgs: string[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const args = [...launcher.prefixArgs, ...cliArgs];
  const child = spawn(launcher.command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = captureOutput(child);
  const { code, signal } = await waitForExit(child);
  if (code !== 0) {
    throw new Error(
      `${launcher.name} ${cliArgs.slice(0, 2).join(' ')} failed ` +
        `(code ${code}, signal ${signal}): ${launcher.command} ${args.join(' ')}\n${out()}`,
    );
  }
}

interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function waitForExit(child: ChildProcess): Promise<ExitInfo> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // A spawn failure (e.g. ENOENT) emits 'error' and possibly no 'exit'.
    child.once('error', () => resolve({ code: child.exitCode ?? -1, signal: null }));
  });
}

/** Collects the tail of stdout+stderr so failures can show what the server said. */
function captureOutput(child: ChildProcess): () => string {
  let buf = '';
  const append = (chunk: Buffer) => {
    buf += chunk.toString('utf8');
    if (buf.length > OUTPUT_TAIL_CHARS * 2) buf = buf.slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  child.on('error', (err) => append(Buffer.from(`\n[spawn error] ${err.message}\n`)));
  return () => buf.slice(-OUTPUT_TAIL_CHARS);
}

/** Polls GET /api/health with a short backoff until 200, the process exits, or the deadline. */
async function waitHealthy(url: string, exited: Promise<ExitInfo>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let exitInfo: ExitInfo | undefined;
  void exited.then((info) => (exitInfo = info));
  let delay = 20;
  let lastError = 'no response yet';
  for (;;) {
    if (exitInfo) {
      throw new Error(`process exited early (code ${exitInfo.code}, signal ${exitInfo.signal})`);
    }
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      lastError = `health answered ${res.status}`;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms (${lastError})`);
    // Wake early if the process dies while we back off.
    await Promise.race([delayMs(Math.min(delay, left)), exited]);
    delay = Math.min(delay * 2, 250);
  }
}

async function killAndWait(child: ChildProcess, exited: Promise<ExitInfo>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

function delayMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
