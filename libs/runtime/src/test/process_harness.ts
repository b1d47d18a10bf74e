/** Shared pieces of the process driver's tests: temp roots, spawn counting, the fake tenant, cleanup. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProcessRuntime } from '../process/process_runtime.js';
import type { SpawnFn } from '../process/spawn_tenant.js';

/** The real tenant CLI (needs `npx tsc -b` at the repository root). */
export const TENANT_BIN = fileURLToPath(new URL('../../../../apps/tenant/bin/burrow-tenant.mjs', import.meta.url));

/** Throws a clear message when the tenant has not been compiled yet. */
export function assertTenantBuilt(): void {
  const cli = fileURLToPath(new URL('../../../../apps/tenant/dist/cli.js', import.meta.url));
  if (!existsSync(cli)) throw new Error(`the tenant is not built (${cli} missing): run \`npx tsc -b\` at the repository root`);
}

/** A new temp directory for one runtime's instances. */
export function tempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'burrow-runtime-'));
}

/** A spawn function that records the pid of every process it starts. */
export interface SpawnCounter {
  /** Wraps child_process.spawn. */
  spawn: SpawnFn;
  /** Pids spawned so far. */
  pids: number[];
  /** Resolves once `count` processes have been spawned. */
  spawned(count: number): Promise<void>;
}

/** Builds a SpawnCounter. */
export function countingSpawn(): SpawnCounter {
  const pids: number[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  return {
    pids,
    spawn(command, args, options): ChildProcess {
      const child = spawn(command, args, options);
      if (child.pid !== undefined) pids.push(child.pid);
      for (const w of waiters.filter((x) => pids.length >= x.count)) w.resolve();
      return child;
    },
    spawned(count) {
      if (pids.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
  };
}

/**
 * A stand-in tenant (tiny Node script) whose behaviour `FAKE_MODE` in its env picks:
 * ok | exit (fails at once) | crash (exits 3 just after its first healthy answer) |
 * hang (never listens) | ignore-term (survives SIGTERM).
 */
const FAKE_TENANT = `
import { createServer } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
const args = process.argv.slice(2);
const [host, port] = args[args.indexOf('--http') + 1].split(':');
const dir = args[args.indexOf('--dir') + 1];
const mode = process.env.FAKE_MODE ?? 'ok';
if (mode === 'exit') { console.error('boom: the fake tenant refuses to start'); process.exit(1); }
mkdirSync(dir, { recursive: true });
writeFileSync(dir + '/fake.marker', 'data');
process.on('SIGTERM', () => {
  console.log('Received SIGTERM');
  if (mode !== 'ignore-term') process.exit(0);
});
if (mode === 'hang') setInterval(() => {}, 1000);
else {
  const server = createServer((req, res) => {
    const healthy = req.url === '/api/health';
    res.writeHead(healthy ? 200 : 404, { 'content-type': 'application/json' });
    res.end(healthy ? '{"message":"API is healthy.","code":200,"data":{}}' : '{}');
    if (healthy && mode === 'crash') setTimeout(() => { console.log('fake crash'); process.exit(3); }, 50);
  });
  server.listen(Number(port), host, () => console.log('Server started at http://' + host + ':' + port));
}
`;

/** Writes the fake tenant into `dir` and returns its path. */
export async function writeFakeTenant(dir: string): Promise<string> {
  const path = join(dir, 'fake-tenant.mjs');
  await writeFile(path, FAKE_TENANT);
  return path;
}

/** Stops every instance the runtime knows, closes it and deletes its root. */
export async function cleanupRuntime(runtime: ProcessRuntime, rootDir: string): Promise<void> {
  try {
    // A runtime closed by its test has nothing left to stop here.
    const left = await runtime.list().catch(() => []);
    for (const inst of left) await runtime.stop(inst.id, { graceMs: 3_000 });
  } finally {
    await runtime.close();
    await rm(rootDir, { recursive: true, force: true });
  }
}
