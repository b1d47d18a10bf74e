/**
 * The platform under test: starts the whole stack (scripts/stack.mjs) on free loopback ports
 * with a temp data dir, signs up one account and talks to the control API as it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@burrow/testing';
// @ts-expect-error: plain ESM launcher script without type declarations
import { startStack } from '../../scripts/stack.mjs';

/** What startStack returns (the part used here). */
interface StackHandle {
  apiUrl: string;
  proxyPort: number;
  dataDir: string;
  pid(role: 'api' | 'worker' | 'proxy'): number | undefined;
  stop(): Promise<unknown>;
}

/** An instance as the api returns it (the fields used here). */
export interface InstanceView {
  id: string;
  name: string;
  status: string;
}

/** The tenant's pid file written by the process runtime. */
export interface PidFile {
  pid: number;
  host: string;
  port: number;
  /** When the runtime spawned it, or assigned it a warm standby (ISO). */
  startedAt: string;
  /** Its argv, as /proc/<pid>/cmdline must still show it (a standby's has a unique tag). */
  command: string[];
}

const EMAIL = 'bench-control@example.com';
const PASSWORD = 'bench control password';

/** A running stack, one signed-up account, and helpers to drive it. */
export class Platform {
  private constructor(
    readonly stack: StackHandle,
    private readonly token: string,
    private readonly dataRoot: string,
    /** Last output lines of the stack's processes, for error messages. */
    readonly lines: string[],
  ) {}

  /** The account's console credentials (admin-synced into every instance's `_superusers`). */
  static readonly credentials = { email: EMAIL, password: PASSWORD } as const;

  /** Starts a stack with its own Redis and SQLite control DB; `idleTimeoutSec` 0 = never sleep; `env` adds settings (e.g. RUNTIME=docker). */
  static async start(idleTimeoutSec: number, env: Record<string, string> = {}): Promise<Platform> {
    const dataRoot = mkdtempSync(join(tmpdir(), 'burrow-bench-control-'));
    const lines: string[] = [];
    let stack: StackHandle;
    try {
      stack = (await startStack({
        env: {
          DATA_DIR: dataRoot,
          API_PORT: String(await freePort()),
          PROXY_PORT: String(await freePort()),
          IDLE_TIMEOUT: String(idleTimeoutSec),
          BASE_DOMAIN: 'localhost',
          INSTANCE_QUOTA: '100',
          REDIS_URL: '',
          DATABASE_URL: '',
          ...env,
        },
        log: (role: string, line: string) => {
          lines.push(`${role} ${line}`);
          if (lines.length > 500) lines.shift();
        },
      })) as StackHandle;
    } catch (err) {
      rmSync(dataRoot, { recursive: true, force: true });
      throw err;
    }
    try {
      const res = await fetch(`${stack.apiUrl}/api/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
        signal: AbortSignal.timeout(10_000),
      });
      if (res.status !== 201) throw new Error(`signup answered ${res.status}: ${await res.text()}`);
      const { token } = (await res.json()) as { token: string };
      return new Platform(stack, token, dataRoot, lines);
    } catch (err) {
      await stack.stop();
      rmSync(dataRoot, { recursive: true, force: true });
      throw err;
    }
  }

  /** The pid of one platform process (api, worker, proxy). */
  pid(role: 'api' | 'worker' | 'proxy'): number | undefined {
    return this.stack.pid(role);
  }

  get proxyPort(): number {
    return this.stack.proxyPort;
  }

  /** Base URL of an instance through the proxy (needs resolveLocalhostSubdomains for fetch). */
  instanceUrl(name: string): string {
    return `http://${name}.localhost:${this.stack.proxyPort}`;
  }

  /** The Host header the proxy routes by. */
  hostHeader(name: string): string {
    return `${name}.localhost:${this.stack.proxyPort}`;
  }

  /** One control API call as the account. */
  async api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.stack.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /** `POST /api/instances`; throws unless it answers 202. */
  async create(name: string): Promise<InstanceView> {
    const r = await this.api('POST', '/api/instances', { name });
    if (r.status !== 202) throw new Error(`create ${name} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body as InstanceView;
  }

  /** Polls the api until the instance has `status` (bounded). */
  async waitStatus(id: string, status: string, timeoutMs = 30_000, pollMs = 50): Promise<void> {
    await until(`instance ${id} ${status}`, async () => (await this.api('GET', `/api/instances/${id}`)).body?.status === status, timeoutMs, pollMs, this.lines);
  }

  /** The tenant's pid file, or undefined when it is not running. */
  pidFile(id: string): PidFile | undefined {
    const file = join(this.stack.dataDir, 'instances', id, 'runtime', 'pid.json');
    if (!existsSync(file)) return undefined;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as PidFile;
    } catch {
      return undefined; // being written or removed
    }
  }

  /** Waits until the api reports `sleeping` and the tenant's pid file is gone. */
  async waitAsleep(id: string, timeoutMs = 20_000): Promise<void> {
    await this.waitStatus(id, 'sleeping', timeoutMs, 25);
    await until(`tenant of ${id} gone`, async () => this.pidFile(id) === undefined, timeoutMs, 25, this.lines);
  }

  /** Deletes instances through the api and waits until each answers 404 (bounded). */
  async deleteInstances(ids: readonly string[]): Promise<void> {
    for (const id of ids) await this.api('DELETE', `/api/instances/${id}`).catch(() => undefined);
    for (const id of ids) {
      await until(`instance ${id} deleted`, async () => (await this.api('GET', `/api/instances/${id}`)).status === 404, 30_000, 100, this.lines);
    }
  }

  /** Deletes every instance of the account (best effort), stops the stack, removes its data. */
  async close(): Promise<void> {
    try {
      const left = await this.api('GET', '/api/instances');
      const ids = ((left.body ?? []) as InstanceView[]).map((i) => i.id);
      if (ids.length) await this.deleteInstances(ids);
    } catch (err) {
      console.error(`   cleanup: ${err instanceof Error ? err.message : String(err)}`);
    }
    await this.stack.stop();
    this.killTenants();
    rmSync(this.dataRoot, { recursive: true, force: true });
  }

  /**
   * Safety net after close() or on a watchdog: SIGKILLs the process group of every tenant
   * this stack's runtime still records (tenants are detached from the stack's processes).
   * Returns how many were signalled.
   */
  killTenants(): number {
    const dir = join(this.stack.dataDir, 'instances');
    let n = 0;
    let ids: string[] = [];
    try {
      ids = readdirSync(dir);
    } catch {
      return 0;
    }
    for (const id of ids) {
      const pf = this.pidFile(id);
      if (!pf) continue;
      try {
        // Only the process the pid file records, by its exact argv (never a recycled pid).
        const cmdline = readFileSync(`/proc/${pf.pid}/cmdline`, 'utf8');
        if (cmdline !== `${pf.command.join('\0')}\0`) continue;
        process.kill(-pf.pid, 'SIGKILL');
        n++;
      } catch {
        // already gone
      }
    }
    return n;
  }
}

/** Polls `check` every `pollMs` until it is true, or throws after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, pollMs: number, lines: string[] = []): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not reached in ${timeoutMs} ms${last ? ` (${String(last)})` : ''}\n${lines.slice(-20).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** VmRSS of a process in MiB, or undefined when it is gone. */
export function rssMiB(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
