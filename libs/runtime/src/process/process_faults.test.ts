/** The process driver's failure paths, with a tiny fake tenant so each case takes milliseconds. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { collectLogs, nextState, pidExists } from '../test/contract_helpers.js';
import { RuntimeError } from '../errors.js';
import { httpRequest } from '../http_probe.js';
import { parseInstanceId } from '../instance_id.js';
import { cleanupRuntime, countingSpawn, tempRoot, writeFakeTenant } from '../test/process_harness.js';
import { instanceLayout } from './layout.js';
import { pickFreePort } from './ports.js';
import { ProcessRuntime } from './process_runtime.js';
import type { ProcessRuntimeOptions } from './options.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A process that exited but whose parent (here: PID 1) has not reaped it yet. */
async function isZombie(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
}

describe('ProcessRuntime failure paths (fake tenant)', { timeout: 60_000 }, () => {
  let rootDir: string;
  let fakeBin: string;
  const runtimes: ProcessRuntime[] = [];
  before(async () => {
    rootDir = await tempRoot();
    fakeBin = await writeFakeTenant(rootDir);
  });
  after(async () => {
    for (const r of runtimes) await cleanupRuntime(r, rootDir);
  });
  const make = (opts: Partial<ProcessRuntimeOptions> = {}) => {
    const r = new ProcessRuntime({ rootDir, tenantBin: fakeBin, logPollMs: 50, ...opts });
    runtimes.push(r);
    return r;
  };
  const code = (c: string) => (err: unknown) => err instanceof RuntimeError && err.code === c;

  test('a tenant that exits before it is healthy fails the start with its last log lines', async () => {
    const runtime = make();
    const id = parseInstanceId('exits');
    await assert.rejects(runtime.start({ id, env: { FAKE_MODE: 'exit' } }), (err: unknown) => {
      assert.ok(code('start_failed')(err));
      assert.match((err as Error).message, /boom: the fake tenant refuses to start/);
      return true;
    });
    const status = await runtime.status(id);
    assert.equal(status.state, 'failed');
    assert.match(status.reason ?? '', /boom/);
    assert.ok(!existsSync(instanceLayout(rootDir, id).pidFile));
    await runtime.stop(id);
    assert.equal((await runtime.status(id)).state, 'stopped', 'stop clears failed');
  });

  test('crashes are restarted with growing backoff until maxCrashes, then failed', async () => {
    const counter = countingSpawn();
    const runtime = make({ spawn: counter.spawn, backoff: { initialMs: 50, maxMs: 80 }, maxCrashes: { count: 3, windowMs: 60_000 } });
    const id = parseInstanceId('crashloop');
    const failed = nextState(runtime, id, 'failed', 20_000);
    await runtime.start({ id, env: { FAKE_MODE: 'crash' } });
    const { status } = await failed;
    assert.equal(counter.pids.length, 3, 'the first start and two restarts');
    assert.equal(status.restarts, 2);
    assert.match(status.reason ?? '', /crashed 3 times within 60000 ms/);
    assert.match(status.reason ?? '', /fake crash/, 'the reason quotes the log');
    const system = (await collectLogs(runtime, id)).filter((l) => l.stream === 'system').map((l) => l.text);
    assert.ok(system.some((t) => t.startsWith('restarting in 50 ms')), system.join('\n'));
    assert.ok(system.some((t) => t.startsWith('restarting in 80 ms')), 'doubled, capped at maxMs');
    for (const pid of counter.pids) assert.ok(!pidExists(pid));
    // Nothing is pending: a restart would have come within maxMs; wait well past it.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(counter.pids.length, 3);
    assert.equal((await runtime.status(id)).state, 'failed');
    // An explicit start resets the crash count and tries again.
    const again = nextState(runtime, id, 'failed', 20_000);
    await runtime.start({ id, env: { FAKE_MODE: 'crash' } });
    await again;
    assert.equal(counter.pids.length, 6);
  });

  test('a tenant that never gets healthy is killed at healthTimeoutMs', async () => {
    const counter = countingSpawn();
    const runtime = make({ spawn: counter.spawn, healthTimeoutMs: 300 });
    const id = parseInstanceId('hangs');
    await assert.rejects(runtime.start({ id, env: { FAKE_MODE: 'hang' } }), code('health_timeout'));
    assert.equal(counter.pids.length, 1);
    assert.ok(!pidExists(counter.pids[0]), 'no orphan');
    assert.ok(!existsSync(instanceLayout(rootDir, id).pidFile));
    assert.equal((await runtime.status(id)).state, 'failed');
  });

  test('stop during a start aborts it and kills the process', async () => {
    const counter = countingSpawn();
    const runtime = make({ spawn: counter.spawn, healthTimeoutMs: 20_000 });
    const id = parseInstanceId('aborted');
    const start = runtime.start({ id, env: { FAKE_MODE: 'hang' } });
    await counter.spawned(1);
    await runtime.stop(id);
    await assert.rejects(start, code('aborted'));
    assert.equal((await runtime.status(id)).state, 'stopped');
    assert.equal(counter.pids.length, 1);
    assert.ok(!pidExists(counter.pids[0]), 'the spawned process was killed');
    assert.ok(!existsSync(instanceLayout(rootDir, id).pidFile));
  });

  test('a port taken between picking and binding is retried on another port', async () => {
    const taken: Server = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const address = taken.address();
    const takenPort = typeof address === 'object' && address !== null ? address.port : 0;
    let picks = 0;
    const counter = countingSpawn();
    const runtime = make({ spawn: counter.spawn, pickPort: (host) => (picks++ === 0 ? Promise.resolve(takenPort) : pickFreePort(host)) });
    const id = parseInstanceId('portrace');
    try {
      const endpoint = await runtime.start({ id, env: {} });
      assert.notEqual(endpoint.port, takenPort);
      assert.equal(counter.pids.length, 2);
      assert.equal((await httpRequest(`${endpoint.url}/api/health`)).status, 200);
      const text = (await collectLogs(runtime, id)).map((l) => l.text).join('\n');
      assert.match(text, /EADDRINUSE/);
      assert.match(text, new RegExp(`port ${takenPort} was taken, retrying on another port`));
    } finally {
      taken.close();
    }
    await runtime.stop(id);
  });

  test('stop escalates to SIGKILL after graceMs', async () => {
    const runtime = make();
    const id = parseInstanceId('stubborn');
    await runtime.start({ id, env: { FAKE_MODE: 'ignore-term' } });
    const pid = (await runtime.status(id)).pid ?? 0;
    const t0 = Date.now();
    await runtime.stop(id, { graceMs: 200 });
    assert.ok(Date.now() - t0 >= 200);
    assert.ok(!pidExists(pid));
    const status = await runtime.status(id);
    assert.equal(status.lastExit?.signal, 'SIGKILL');
    assert.ok((await collectLogs(runtime, id)).some((l) => l.text === 'Received SIGTERM'));
  });

  test('remove with keepVolume deletes only the runtime state; without it, everything', async () => {
    const runtime = make();
    const id = parseInstanceId('volume');
    const layout = instanceLayout(rootDir, id);
    await runtime.start({ id, env: {} });
    await runtime.remove(id, { keepVolume: true });
    assert.ok(existsSync(`${layout.dataDir}/fake.marker`));
    assert.ok(!existsSync(layout.runtimeDir));
    assert.equal((await runtime.status(id)).state, 'stopped');
    await runtime.remove(id);
    assert.ok(!existsSync(layout.instanceDir));
    assert.equal((await runtime.status(id)).state, 'absent');
  });

  test('reserved or malformed env names are refused', async () => {
    const runtime = make();
    const id = parseInstanceId('badenv');
    for (const name of ['NODE_OPTIONS', 'LD_PRELOAD', 'PATH', 'HOME', 'A=B', '1X', '']) {
      await assert.rejects(runtime.start({ id, env: { [name]: 'x' } }), code('invalid_spec'), name);
    }
    await assert.rejects(runtime.start({ id, env: {}, limits: { memoryMb: -1 } }), code('invalid_spec'));
    assert.equal((await runtime.status(id)).state, 'absent', 'nothing was created');
  });

  test('tenants outlive a platform process killed with SIGKILL; the next one adopts them', async () => {
    const id = parseInstanceId('orphan-check');
    const script = join(rootDir, 'platform.mjs');
    const runtimeModule = pathToFileURL(fileURLToPath(new URL('./process_runtime.ts', import.meta.url))).href;
    await writeFile(script, [
      `import { ProcessRuntime } from ${JSON.stringify(runtimeModule)};`,
      `const rt = new ProcessRuntime({ rootDir: process.argv[2], tenantBin: process.argv[3] });`,
      `const endpoint = await rt.start({ id: '${id}', env: {} });`,
      `const { pid } = await rt.status('${id}');`,
      `process.stdout.write(JSON.stringify({ pid, url: endpoint.url }) + '\\n');`,
      `setInterval(() => {}, 1000);`,
    ].join('\n'));
    const platform = spawn(process.execPath, ['--import', 'tsx', script, rootDir, fakeBin], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((r) => platform.once('exit', r));
    const [line] = (await once(createInterface({ input: platform.stdout }), 'line')) as [string];
    const started = JSON.parse(line) as { pid: number; url: string };
    platform.kill('SIGKILL');
    await exited;

    assert.ok(pidExists(started.pid), 'the tenant survived its platform');
    assert.equal((await httpRequest(`${started.url}/api/health`)).status, 200);
    const runtime = make();
    const status = await runtime.status(id);
    assert.equal(status.state, 'running');
    assert.equal(status.pid, started.pid);
    assert.equal(status.endpoint?.url, started.url);
    await runtime.stop(id);
    assert.ok(!pidExists(started.pid) || (await isZombie(started.pid)));
    assert.equal((await runtime.status(id)).lastExit?.code, null, 'not our child: exit code unknown');
  });

  test('a closed runtime refuses work but leaves tenants running', async () => {
    const runtime = make();
    const id = parseInstanceId('outlives');
    await runtime.start({ id, env: {} });
    const pid = (await runtime.status(id)).pid ?? 0;
    await runtime.close();
    await assert.rejects(runtime.status(id), code('closed'));
    assert.ok(pidExists(pid));
    const next = make();
    assert.equal((await next.status(id)).pid, pid);
    await next.stop(id);
    assert.ok(!pidExists(pid));
  });
});
