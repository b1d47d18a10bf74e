/** Shared pieces of the process driver's tests: temp roots, spawn counting, the fake tenant, cleanup. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ProcessRuntime } from '../process/process_runtime.js';
import type { SpawnFn } from '../process/spawn_tenant.js';
import { readProcEnv } from './contract_helpers.js';

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
 * hang (never listens) | ignore-term (survives SIGTERM). `standby` follows the real tenant's
 * protocol in short: one JSON line on stdin (args, env, cwd, logFile), EOF first = exit 0;
 * FAKE_STANDBY (in the standby's own env) = die-unassigned: exits 4 at once, with a message;
 * die-on-assignment: exits 5 silently once it read the line. `GET /env` answers the tenant's
 * environment as JSON.
 */
const FAKE_TENANT = `
import { createServer } from 'node:http';
import { mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
let args = process.argv.slice(2);
if (args[0] === 'standby') {
  if (process.env.FAKE_STANDBY === 'die-unassigned') { console.error('fake standby gives up'); process.exit(4); }
  let input = '';
  for await (const chunk of process.stdin) {
    input += chunk;
    if (input.includes('\\n')) break;
  }
  if (!input.includes('\\n')) process.exit(0);
  if (process.env.FAKE_STANDBY === 'die-on-assignment') process.exit(5);
  process.stdin.destroy();
  const a = JSON.parse(input.slice(0, input.indexOf('\\n')));
  const fd = openSync(a.logFile, 'a');
  for (const s of [process.stdout, process.stderr]) s.write = (chunk) => { writeSync(fd, String(chunk)); return true; };
  process.on('uncaughtExceptionMonitor', (err) => writeSync(fd, err.stack + '\\n'));
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, a.env);
  process.chdir(a.cwd);
  args = a.args;
}
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
    const known = healthy || req.url === '/env';
    res.writeHead(known ? 200 : 404, { 'content-type': 'application/json' });
    res.end(healthy ? '{"message":"API is healthy.","code":200,"data":{}}' : known ? JSON.stringify(process.env) : '{}');
    if (healthy && mode === 'crash') setTimeout(() => { console.log('fake crash'); process.exit(3); }, 50);
  });
  server.listen(Number(port), host, () => console.log('Server started at http://' + host + ':' + port + ' in ' + process.cwd()));
}
`;

/** Writes the fake tenant into `dir` and returns its path. */
export async function writeFakeTenant(dir: string): Promise<string> {
  const path = join(dir, 'fake-tenant.mjs');
  await writeFile(path, FAKE_TENANT);
  return path;
}

/**
 * A wrapper of the real tenant CLI (for the contract run with standbys): SIGUSR2 makes it
 * write its `process.env` to `<cwd>/env-probe.json`. A standby takes on its instance's env in
 * JavaScript, which `/proc/<pid>/environ` (the env it was spawned with) does not show.
 */
const ENV_PROBE_TENANT = `
import { renameSync, writeFileSync } from 'node:fs';
process.on('SIGUSR2', () => {
  writeFileSync('env-probe.json.tmp', JSON.stringify(process.env));
  renameSync('env-probe.json.tmp', 'env-probe.json');
});
await import(REAL_BIN_URL);
`;

/** Writes the env-probe wrapper of the real tenant into `dir` and returns its path. */
export async function writeEnvProbeTenant(dir: string): Promise<string> {
  const path = join(dir, 'env-probe-tenant.mjs');
  await writeFile(path, `const REAL_BIN_URL = ${JSON.stringify(pathToFileURL(TENANT_BIN).href)};\n${ENV_PROBE_TENANT}`);
  return path;
}

/**
 * The environment the tenant `pid` (running in `instanceDir`) really has: what it was spawned
 * with (`/proc/<pid>/environ`: a standby's base env) plus what its JavaScript sees, read
 * through the env-probe wrapper. A variable leaking into either shows up.
 */
export async function probeTenantEnv(instanceDir: string, pid: number): Promise<Record<string, string>> {
  const file = join(instanceDir, 'env-probe.json');
  await rm(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 10_000;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`pid ${pid} wrote no ${file}`);
    await new Promise((r) => setTimeout(r, 10)); // a file written by a signal handler: no event to await
  }
  const seen = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
  return { ...(await readProcEnv(pid)), ...seen };
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
