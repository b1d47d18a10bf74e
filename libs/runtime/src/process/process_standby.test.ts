/** The warm pool of the process driver (`standby` option), with the fake tenant's standby mode. */
import assert from 'node:assert/strict';
import { spawn as spawnChild, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, beforeEach, describe, test } from 'node:test';
import { collectLogs, nextState, pidExists, readProcEnv } from '../test/contract_helpers.js';
import { httpRequest } from '../http_probe.js';
import { parseInstanceId } from '../instance_id.js';
import { cleanupRuntime, countingSpawn, tempRoot, writeFakeTenant, type SpawnCounter } from '../test/process_harness.js';
import { DEFAULT_BASE_ENV } from './env.js';
import { instanceLayout, standbyDir } from './layout.js';
import type { ProcessRuntimeOptions } from './options.js';
import { pickFreePort } from './ports.js';
import { isAlive, readPidFile } from './pid_file.js';
import { pidGone } from './process_exit.js';
import { ProcessRuntime } from './process_runtime.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Resolves true once `pid` is gone (bounded), for processes that are not this test's children:
 * an orphan's zombie counts as gone (PID 1 here may reap it late or never).
 */
async function gone(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const bound = new AbortController();
  const timer = setTimeout(() => bound.abort(), timeoutMs);
  await pidGone(pid, 20, bound.signal);
  clearTimeout(timer);
  return !(await isAlive(pid));
}

/** Awaits `p` while holding the event loop open (the pool's backoff timer is unref'd, by design). */
async function holdingLoop<T>(p: Promise<T>): Promise<T> {
  const hold = setInterval(() => undefined, 1_000);
  try {
    return await p;
  } finally {
    clearInterval(hold);
  }
}

describe('ProcessRuntime with warm standbys (fake tenant)', { timeout: 60_000 }, () => {
  let binDir: string;
  let fakeBin: string;
  /** Each test's own root, so one test's pool never shows in another's. */
  let rootDir: string;
  const runtimes: Array<{ runtime: ProcessRuntime; root: string }> = [];
  before(async () => {
    binDir = await tempRoot();
    fakeBin = await writeFakeTenant(binDir);
  });
  beforeEach(async () => {
    rootDir = await tempRoot();
  });
  after(async () => {
    for (const { runtime, root } of runtimes) await cleanupRuntime(runtime, root);
    await rm(binDir, { recursive: true, force: true });
  });
  const make = (opts: Partial<ProcessRuntimeOptions> = {}): { runtime: ProcessRuntime; counter: SpawnCounter } => {
    const counter = countingSpawn();
    const runtime = new ProcessRuntime({ rootDir, tenantBin: fakeBin, logPollMs: 50, standby: 1, spawn: counter.spawn, ...opts });
    runtimes.push({ runtime, root: rootDir });
    return { runtime, counter };
  };
  const poolLogs = async () => (await readdir(standbyDir(rootDir)).catch((): string[] => [])).filter((n) => /^\d+\.log$/.test(n)).sort();

  test('a start is served by the standby, with its own env, cwd and log; the pool refills after it', async () => {
    const { runtime, counter } = make();
    await counter.spawned(1);
    const standbyPid = counter.pids[0];
    assert.deepEqual(await readProcEnv(standbyPid), { ...DEFAULT_BASE_ENV }, 'a standby runs with the base env only');
    assert.deepEqual(await runtime.list(), [], 'the pool is no instance');

    const id = parseInstanceId('pooled');
    const layout = instanceLayout(rootDir, id);
    const spec = { id, env: { POOLED_SECRET: 's3cret', LANG: 'de_DE.UTF-8' } };
    const endpoint = await runtime.start(spec);
    const status = await runtime.status(id);
    assert.equal(status.pid, standbyPid, 'the standby became the tenant');
    const env = JSON.parse((await httpRequest(`${endpoint.url}/env`)).body) as Record<string, string>;
    assert.deepEqual(env, { ...DEFAULT_BASE_ENV, HOME: layout.instanceDir, ...spec.env }, 'exactly the env a fresh spawn gets');

    const record = await readPidFile(layout.pidFile);
    assert.deepEqual(record?.command.slice(1, 4), [fakeBin, 'standby', '--tag']);
    const cmdline = (await readFile(`/proc/${standbyPid}/cmdline`, 'utf8')).split('\0').slice(0, -1);
    assert.deepEqual(cmdline, record?.command, 'the pid file records the argv /proc shows');

    const lines = await collectLogs(runtime, id);
    assert.ok(lines.some((l) => l.stream === 'stdout' && l.text === `Server started at ${endpoint.url} in ${layout.instanceDir}`), JSON.stringify(lines));
    assert.ok(lines.some((l) => l.stream === 'system' && l.text === `assigned standby pid ${standbyPid} on 127.0.0.1:${endpoint.port}`));

    await counter.spawned(2);
    assert.deepEqual(await poolLogs(), [`${counter.pids[1]}.log`], 'the assigned one left the pool, its log with it');
    await runtime.stop(id);
    assert.ok(!pidExists(standbyPid));
    assert.ok((await collectLogs(runtime, id)).some((l) => l.text === 'Received SIGTERM'));
  });

  test('leftovers of dead standbys (pool logs, warm-up scratch dirs) are swept when a pool starts; live ones stay', async () => {
    const dir = standbyDir(rootDir);
    await mkdir(dir, { recursive: true });
    const dead = spawnSync('true').pid ?? 0; // exited and reaped: this pid is gone
    assert.ok(dead > 0 && !(await isAlive(dead)));
    for (const name of [`warmup-${dead}`, `warmup-${process.pid}`]) await mkdir(join(dir, name, 'data'), { recursive: true });
    for (const name of [`${dead}.log`, `${process.pid}.log`]) await writeFile(join(dir, name), 'x');
    const { counter } = make();
    await counter.spawned(1);
    const left = await readdir(dir);
    assert.ok(!left.includes(`warmup-${dead}`) && !left.includes(`${dead}.log`), left.join(' '));
    assert.ok(left.includes(`warmup-${process.pid}`) && left.includes(`${process.pid}.log`), 'a live pid keeps its files');
  });

  test('a crashed pooled tenant is restarted on its endpoint, from the pool again', async () => {
    const { runtime, counter } = make({ backoff: { initialMs: 50, maxMs: 200 } });
    const id = parseInstanceId('pooled-crash');
    await counter.spawned(1);
    const endpoint = await runtime.start({ id, env: {} });
    const first = await runtime.status(id);
    assert.equal(first.pid, counter.pids[0]);
    await counter.spawned(2); // the refill, ready for the restart
    const restarted = nextState(runtime, id, 'running');
    process.kill(first.pid ?? 0, 'SIGKILL');
    const { status } = await restarted;
    assert.equal(status.restarts, 1);
    assert.equal(status.pid, counter.pids[1], 'the restart took the refilled standby');
    assert.deepEqual(status.endpoint, endpoint);
    assert.equal((await httpRequest(`${endpoint.url}/api/health`)).status, 200);
    await runtime.stop(id);
  });

  test('after close() no standby is left, and a second runtime adopts the pooled tenant', async () => {
    const { runtime: a, counter } = make({ standby: 2 });
    const id = parseInstanceId('pooled-adopted');
    await counter.spawned(2);
    const endpoint = await a.start({ id, env: { ADOPTED: 'yes' } });
    const pid = (await a.status(id)).pid ?? 0;
    await counter.spawned(3);
    const unassigned = counter.pids.filter((p) => p !== pid);
    await a.close();
    for (const p of unassigned) assert.ok(!pidExists(p), `standby ${p} ended by close()`);
    assert.deepEqual(await poolLogs(), [], 'their logs are gone');
    assert.ok(pidExists(pid), 'the assigned tenant outlives its runtime');

    const { runtime: b, counter: bCounter } = make({ standby: 0 });
    const status = await b.status(id);
    assert.equal(status.state, 'running', 'the pid file (standby argv) matches /proc');
    assert.equal(status.pid, pid);
    assert.deepEqual(status.endpoint, endpoint);
    assert.deepEqual(await b.start({ id, env: { ADOPTED: 'yes' } }), endpoint);
    assert.equal(bCounter.pids.length, 0, 'no double start');
    await b.stop(id);
    assert.ok(await gone(pid));
  });

  test('a standby that dies unassigned is replaced with a growing delay; starts spawn meanwhile', async () => {
    const times: number[] = [];
    const counter = countingSpawn();
    const { runtime } = make({
      baseEnv: { ...DEFAULT_BASE_ENV, FAKE_STANDBY: 'die-unassigned' },
      backoff: { initialMs: 50, maxMs: 200 },
      spawn: (command, args, options) => {
        times.push(Date.now());
        return counter.spawn(command, args, options);
      },
    });
    await holdingLoop(counter.spawned(5));
    const gaps = times.slice(1, 5).map((t, i) => t - times[i]);
    [50, 100, 200, 200].forEach((delay, i) => assert.ok(gaps[i] >= delay, `gap ${i} was ${gaps[i]} ms, expected >= ${delay}`));
    const lastWords = await readFile(join(standbyDir(rootDir), 'last-failure.log'), 'utf8');
    assert.match(lastWords, /fake standby gives up/);

    const id = parseInstanceId('pool-broken');
    const endpoint = await runtime.start({ id, env: {} });
    assert.equal((await httpRequest(`${endpoint.url}/api/health`)).status, 200, 'a fresh spawn serves');
    await runtime.stop(id);
    await runtime.close();
    assert.ok(counter.pids.every((p) => !pidExists(p)));
  });

  test('a standby that dies on its assignment without a word is replaced by a fresh spawn', async () => {
    const { runtime, counter } = make({ baseEnv: { ...DEFAULT_BASE_ENV, FAKE_STANDBY: 'die-on-assignment' } });
    const id = parseInstanceId('pool-lost');
    await counter.spawned(1);
    const endpoint = await runtime.start({ id, env: {} });
    const status = await runtime.status(id);
    assert.notEqual(status.pid, counter.pids[0]);
    assert.equal(status.restarts, 0, 'not a crash of the instance');
    assert.equal((await httpRequest(`${endpoint.url}/api/health`)).status, 200);
    const system = (await collectLogs(runtime, id)).filter((l) => l.stream === 'system').map((l) => l.text);
    assert.ok(system.includes(`standby pid ${counter.pids[0]} exited without serving; spawning a fresh process`), system.join('\n'));
    await runtime.stop(id);
  });

  test('a pooled tenant whose port was taken fails like a fresh one and is retried on another port', async () => {
    const taken: Server = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const address = taken.address();
    const takenPort = typeof address === 'object' && address !== null ? address.port : 0;
    let picks = 0;
    const { runtime, counter } = make({ pickPort: (host) => (picks++ === 0 ? Promise.resolve(takenPort) : pickFreePort(host)) });
    const id = parseInstanceId('pool-portrace');
    try {
      await counter.spawned(1);
      const endpoint = await runtime.start({ id, env: {} });
      assert.notEqual(endpoint.port, takenPort);
      assert.equal((await httpRequest(`${endpoint.url}/api/health`)).status, 200);
      const text = (await collectLogs(runtime, id)).map((l) => l.text).join('\n');
      assert.match(text, new RegExp(`assigned standby pid ${counter.pids[0]} on 127.0.0.1:${takenPort}`));
      assert.match(text, /EADDRINUSE/, 'the pooled tenant logged its crash into the instance log');
      assert.match(text, new RegExp(`port ${takenPort} was taken, retrying on another port`));
    } finally {
      taken.close();
    }
    await runtime.stop(id);
  });

  test('a platform killed with SIGKILL: its pooled tenant keeps serving, its unassigned standby exits', async () => {
    const id = parseInstanceId('pool-orphan');
    const script = join(rootDir, 'pool-platform.mjs');
    const runtimeModule = pathToFileURL(fileURLToPath(new URL('./process_runtime.ts', import.meta.url))).href;
    await writeFile(script, [
      `import { spawn } from 'node:child_process';`,
      `import { ProcessRuntime } from ${JSON.stringify(runtimeModule)};`,
      `const pids = [];`,
      `let spawned = () => {};`,
      `const spawnFn = (c, a, o) => { const child = spawn(c, a, o); pids.push(child.pid); spawned(); return child; };`,
      `const rt = new ProcessRuntime({ rootDir: process.argv[2], tenantBin: process.argv[3], standby: 1, spawn: spawnFn });`,
      `const endpoint = await rt.start({ id: '${id}', env: {} });`,
      `if (pids.length < 2) await new Promise((r) => (spawned = r));`,
      `const { pid } = await rt.status('${id}');`,
      `process.stdout.write(JSON.stringify({ pid, pids, url: endpoint.url }) + '\\n');`,
      `setInterval(() => {}, 1000);`,
    ].join('\n'));
    const platform = spawnChild(process.execPath, ['--import', 'tsx', script, rootDir, fakeBin], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(platform, 'exit');
    const [line] = (await once(createInterface({ input: platform.stdout }), 'line')) as [string];
    const started = JSON.parse(line) as { pid: number; pids: number[]; url: string };
    assert.equal(started.pid, started.pids[0], 'served by the standby');
    platform.kill('SIGKILL');
    await exited;
    assert.ok(await gone(started.pids[1]), 'the unassigned standby saw EOF and exited');
    assert.ok(pidExists(started.pid), 'the assigned one does not care about its stdin');
    assert.equal((await httpRequest(`${started.url}/api/health`)).status, 200);
    const { runtime } = make({ standby: 0 });
    assert.equal((await runtime.status(id)).pid, started.pid);
    await runtime.stop(id);
    assert.ok(await gone(started.pid));
    assert.ok(existsSync(standbyDir(rootDir)));
  });
});
