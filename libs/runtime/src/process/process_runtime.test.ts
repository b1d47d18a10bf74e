/** The process driver against the real tenant: the contract, crash restarts, reconcile after a restart. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { extractArchive, verifyArchive } from '@burrow/backup';
import { eventually } from '@burrow/testing';
import { litestreamBinary, restoreAt, restoreWindow, type ReplicaTarget } from '@burrow/litestream';
import Database from 'better-sqlite3';
import { runtimeContract } from '../test/contract.js';
import { collectLogs, nextState, pidExists, readProcEnv } from '../test/contract_helpers.js';
import { httpRequest } from '../http_probe.js';
import { parseInstanceId } from '../instance_id.js';
import {
  assertTenantBuilt,
  cleanupRuntime,
  countingSpawn,
  probeTenantEnv,
  TENANT_BIN,
  tempRoot,
  writeEnvProbeTenant,
} from '../test/process_harness.js';
import { instanceLayout } from './layout.js';
import { readPidFile } from './pid_file.js';
import { ProcessRuntime } from './process_runtime.js';

assertTenantBuilt();

runtimeContract('process', async () => {
  const rootDir = await tempRoot();
  const runtime = new ProcessRuntime({ rootDir, tenantBin: TENANT_BIN, logPollMs: 50 });
  return { runtime, cleanup: () => cleanupRuntime(runtime, rootDir), sibling: () => new ProcessRuntime({ rootDir, tenantBin: TENANT_BIN }) };
});

runtimeContract('process, standby 1', async () => {
  const rootDir = await tempRoot();
  // Pooled tenants take on their env in JavaScript: the probe reads what they really see.
  const tenantBin = await writeEnvProbeTenant(rootDir);
  const runtime = new ProcessRuntime({ rootDir, tenantBin, logPollMs: 50, standby: 1 });
  return {
    runtime,
    cleanup: () => cleanupRuntime(runtime, rootDir),
    sibling: () => new ProcessRuntime({ rootDir, tenantBin, standby: 0 }),
    readEnv: (id, status) => probeTenantEnv(instanceLayout(rootDir, id).instanceDir, status.pid ?? 0),
  };
});

describe('ProcessRuntime with the real tenant', { timeout: 120_000 }, () => {
  let rootDir: string;
  const runtimes: ProcessRuntime[] = [];
  before(async () => {
    rootDir = await tempRoot();
  });
  after(async () => {
    for (const r of runtimes.reverse()) await cleanupRuntime(r, rootDir);
  });
  const make = (opts: Partial<ConstructorParameters<typeof ProcessRuntime>[0]> = {}) => {
    const r = new ProcessRuntime({ rootDir, tenantBin: TENANT_BIN, backoff: { initialMs: 100, maxMs: 1_000 }, ...opts });
    runtimes.push(r);
    return r;
  };

  test('files on disk, one spawn for concurrent starts, crash restart on the same endpoint', async () => {
    const counter = countingSpawn();
    const runtime = make({ spawn: counter.spawn });
    const id = parseInstanceId('crashy');
    const [a, b] = await Promise.all([runtime.start({ id, env: {} }), runtime.start({ id, env: {} })]);
    assert.deepEqual(a, b);
    assert.equal(counter.pids.length, 1, 'concurrent starts spawn one process');

    const layout = instanceLayout(rootDir, id);
    const first = await runtime.status(id);
    const record = await readPidFile(layout.pidFile);
    assert.equal(record?.pid, first.pid);
    assert.equal(record?.port, a.port);
    assert.deepEqual(record?.command.slice(1), [TENANT_BIN, 'serve', '--http', `127.0.0.1:${a.port}`, '--dir', layout.dataDir]);
    const cmdline = (await readFile(`/proc/${first.pid}/cmdline`, 'utf8')).split('\0').slice(0, -1);
    assert.deepEqual(cmdline, record?.command);
    assert.ok(existsSync(join(layout.dataDir, 'data.db')), 'the tenant writes into <id>/data');
    assert.equal((await stat(layout.specFile)).mode & 0o777, 0o600, 'spec.json holds secrets');
    assert.ok(existsSync(layout.logFile));

    const crashed = nextState(runtime, id, 'starting');
    const restarted = nextState(runtime, id, 'running');
    process.kill(first.pid ?? 0, 'SIGKILL');
    await crashed;
    const { status } = await restarted;
    assert.notEqual(status.pid, first.pid);
    assert.equal(status.restarts, 1);
    assert.deepEqual(status.endpoint, a, 'the restart reuses the port');
    assert.equal(status.lastExit?.signal, 'SIGKILL');
    assert.equal(counter.pids.length, 2);
    assert.equal((await httpRequest(`${a.url}/api/health`)).status, 200);
    const system = (await collectLogs(runtime, id, { tail: 100 })).filter((l) => l.stream === 'system').map((l) => l.text);
    assert.ok(system.some((t) => t.includes(`pid ${first.pid} exited unexpectedly`)), system.join('\n'));
    assert.ok(system.some((t) => t.startsWith('restarting in 100 ms')), system.join('\n'));

    await runtime.stop(id);
    assert.ok(!pidExists(status.pid ?? 0));
    assert.ok(!existsSync(layout.pidFile));
  });

  test('backup: a running tenant is archived while it serves; a stopped one is not started; unknown ids fail', async () => {
    const runtime = make();
    const id = parseInstanceId('backed');
    const { url } = await runtime.start({ id, env: {} });
    const signup = (n: number) => httpRequest(`${url}/api/collections/users/records`, {
      method: 'POST', json: { email: `u${n}@example.com`, password: 'password-123', passwordConfirm: 'password-123' },
    });
    for (let n = 0; n < 3; n++) assert.equal((await signup(n)).status, 200);
    const steps: string[] = [];
    const out = join(rootDir, 'archives', 'running.zip');
    const { size } = await runtime.backup(id, out, { onProgress: (_f, step) => steps.push(step) });
    assert.ok(size > 0 && steps.includes('Done'));
    assert.equal((await httpRequest(`${url}/api/health`)).status, 200, 'still serving');
    const dest = join(rootDir, 'restored-running');
    await extractArchive(out, dest);
    const users = new Database(join(dest, 'data.db'), { readonly: true });
    assert.equal((users.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n, 3);
    users.close();

    await runtime.stop(id);
    await runtime.backup(id, join(rootDir, 'archives', 'stopped.zip'));
    assert.equal((await runtime.status(id)).state, 'stopped', 'a backup does not start it');
    await verifyArchive(join(rootDir, 'archives', 'stopped.zip'), join(rootDir, 'verify'));
    await assert.rejects(runtime.backup(parseInstanceId('nobody'), join(rootDir, 'archives', 'x.zip')), /no data/);
    assert.ok(!existsSync(join(rootDir, 'archives', 'x.zip')));

    // restore: refused while running, refused for a bad archive (nothing changes), then swaps the data in
    const again = await runtime.start({ id, env: {} });
    for (let n = 3; n < 5; n++) assert.equal((await httpRequest(`${again.url}/api/collections/users/records`, { method: 'POST', json: { email: `u${n}@example.com`, password: 'password-123', passwordConfirm: 'password-123' } })).status, 200);
    await assert.rejects(runtime.restore(id, out), /stop it before a restore/);
    await runtime.stop(id);
    await writeFile(join(rootDir, 'archives', 'garbage.zip'), 'not a zip');
    await assert.rejects(runtime.restore(id, join(rootDir, 'archives', 'garbage.zip')), /nothing changed/);
    const countUsers = async () => {
      const { url: u } = await runtime.start({ id, env: {} });
      const res = await httpRequest(`${u}/api/collections/_superusers/records`);
      await runtime.stop(id);
      return res.status;
    };
    assert.equal(await countUsers(), 403, 'still serves its data after the refused restore');
    await runtime.restore(id, out);
    const db = new Database(join(instanceLayout(rootDir, id).dataDir, 'data.db'), { readonly: true });
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n, 3, 'the data of the backup moment');
    db.close();
    const { url: restoredUrl } = await runtime.start({ id, env: {} });
    assert.equal((await httpRequest(`${restoredUrl}/api/health`)).status, 200);
    await runtime.stop(id);
  });

  test('continuous backup: Litestream runs with the tenant, a stop ships the last writes, a restore starts a new generation', async () => {
    const runtime = make();
    const id = parseInstanceId('streamed');
    const layout = instanceLayout(rootDir, id);
    const target: ReplicaTarget = { type: 'file', path: join(rootDir, 'replicas', id) };
    const spec = { id, env: {}, continuousBackup: { target } };
    const { url } = await runtime.start(spec);
    assert.equal((await stat(layout.litestreamConfig)).mode & 0o777, 0o600);
    const signup = (base: string, n: number) => httpRequest(`${base}/api/collections/users/records`, {
      method: 'POST', json: { email: `s${n}@example.com`, password: 'password-123', passwordConfirm: 'password-123' },
    });
    for (let n = 0; n < 4; n++) assert.equal((await signup(url, n)).status, 200);
    const stopping = Date.now();
    await runtime.stop(id);
    assert.ok(Date.now() - stopping < 5_000, `stop took ${Date.now() - stopping} ms`);
    const bin = litestreamBinary();
    const latest = join(rootDir, 'streamed-latest.db');
    await restoreAt(bin, target, new Date(Date.now() + 60_000), latest, rootDir);
    const users = (path: string) => {
      const db = new Database(path, { readonly: true });
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    assert.equal(users(latest), 4, 'every write up to the stop is in the replica');
    const before = await restoreWindow(bin, target, rootDir);
    assert.equal(before.generations.length, 1);

    // an archive restore replaces the file: Litestream's old position is dropped, a new generation begins
    const archive = join(rootDir, 'archives', 'streamed.zip');
    await runtime.backup(id, archive);
    assert.ok(existsSync(layout.litestreamMeta));
    await runtime.restore(id, archive);
    assert.ok(!existsSync(layout.litestreamMeta));
    const again = await runtime.start(spec);
    assert.equal((await signup(again.url, 9)).status, 200);
    await runtime.stop(id);
    const after = await restoreWindow(bin, target, rootDir);
    assert.equal(after.generations.length, 2);
    const newest = join(rootDir, 'streamed-newest.db');
    await restoreAt(bin, target, new Date(Date.now() + 60_000), newest, rootDir);
    assert.equal(users(newest), 5);

    // a stop that has to SIGKILL the tenant still returns only once its Litestream is done
    const third = await runtime.start(spec);
    // a write Litestream ships while running (so it has the database open), then one it has not
    assert.equal((await signup(third.url, 10)).status, 200);
    let probe = 0;
    await eventually('write shipped', async () => {
      const out = join(rootDir, `streamed-probe-${probe++}.db`);
      await restoreAt(bin, target, new Date(Date.now() + 60_000), out, rootDir);
      return users(out) === 6 ? true : undefined;
    }, 15_000);
    assert.equal((await signup(third.url, 11)).status, 200);
    const replicatorPid = Number((await readFile(`${layout.litestreamConfig}.pid`, 'utf8')).trim());
    await runtime.stop(id, { graceMs: 1 });
    // gone, or a zombie waiting for init to reap it (its command line is then empty)
    const cmdline = await readFile(`/proc/${replicatorPid}/cmdline`, 'utf8').catch(() => '');
    assert.equal(cmdline, '', 'no Litestream left running after the stop');
    const last = join(rootDir, 'streamed-last.db');
    await restoreAt(bin, target, new Date(Date.now() + 60_000), last, rootDir);
    assert.equal(users(last), 7, 'the last write was shipped before the stop returned');
  });

  test('after a platform restart a new runtime adopts, supervises and stops the running tenant', async () => {
    const id = parseInstanceId('survivor');
    const a = make();
    const endpoint = await a.start({ id, env: { SURVIVOR_SETTING: 'kept' } });
    const pid = (await a.status(id)).pid ?? 0;
    await a.close(); // the platform process "restarts": the tenant keeps running

    const counter = countingSpawn();
    const b = make({ spawn: counter.spawn, livenessPollMs: 100 });
    const listed = (await b.list()).filter((i) => i.state !== 'stopped');
    assert.deepEqual(listed.map((i) => [i.id, i.state, i.pid, i.endpoint?.url]), [[id, 'running', pid, endpoint.url]]);
    assert.deepEqual(await b.start({ id, env: { SURVIVOR_SETTING: 'kept' } }), endpoint);
    assert.equal(counter.pids.length, 0, 'no double start');

    // The adopted process is supervised by polling: a crash is noticed and restarted.
    const restarted = nextState(b, id, 'running');
    process.kill(pid, 'SIGKILL');
    const { status } = await restarted;
    assert.equal(counter.pids.length, 1);
    assert.notEqual(status.pid, pid);
    assert.equal((await readProcEnv(status.pid ?? 0)).SURVIVOR_SETTING, 'kept', 'restarted with its spec');

    await b.stop(id);
    assert.ok(!pidExists(status.pid ?? 0));
    assert.ok(!existsSync(instanceLayout(rootDir, id).pidFile));
    assert.equal((await b.status(id)).state, 'stopped');
  });

  test('with a standby, the warm real tenant serves the start, with the standby argv in its pid file', async () => {
    const counter = countingSpawn();
    const runtime = make({ spawn: counter.spawn, standby: 1 });
    const id = parseInstanceId('warm');
    await counter.spawned(1);
    const endpoint = await runtime.start({ id, env: {} });
    const status = await runtime.status(id);
    assert.equal(status.pid, counter.pids[0]);
    const record = await readPidFile(instanceLayout(rootDir, id).pidFile);
    assert.deepEqual(record?.command.slice(1, 4), [TENANT_BIN, 'standby', '--tag']);
    const cmdline = (await readFile(`/proc/${status.pid}/cmdline`, 'utf8')).split('\0').slice(0, -1);
    assert.deepEqual(cmdline, record?.command);
    assert.equal((await httpRequest(`${endpoint.url}/api/health`)).status, 200);
    assert.ok(existsSync(join(instanceLayout(rootDir, id).dataDir, 'data.db')));
    const lines = (await collectLogs(runtime, id)).map((l) => l.text);
    assert.ok(lines.includes(`Server started at ${endpoint.url}`), lines.join('\n'));
    await counter.spawned(2);
    await runtime.stop(id);
    await runtime.close();
    assert.ok(counter.pids.every((p) => !pidExists(p)), 'stopped, and the refilled standby ended by close()');
  });

  test('stale pid files are removed and recycled pids are not adopted', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid; // exited: its pid is free
    const cases = { 'stale-dead': dead, 'stale-recycled': process.pid }; // process.pid runs something else
    for (const [name, pid] of Object.entries(cases)) {
      const layout = instanceLayout(rootDir, parseInstanceId(name));
      await mkdir(layout.runtimeDir, { recursive: true });
      const command = [process.execPath, TENANT_BIN, 'serve', '--http', '127.0.0.1:1', '--dir', layout.dataDir];
      await writeFile(layout.pidFile, JSON.stringify({ pid, host: '127.0.0.1', port: 1, startedAt: new Date().toISOString(), command }));
    }
    await mkdir(join(rootDir, 'Not.An.Id'), { recursive: true });
    await writeFile(join(rootDir, 'stray-file'), '');

    const runtime = make();
    const listed = new Map((await runtime.list()).map((i) => [i.id as string, i]));
    assert.ok(!listed.has('Not.An.Id'));
    for (const name of Object.keys(cases)) {
      const layout = instanceLayout(rootDir, parseInstanceId(name));
      assert.equal(listed.get(name)?.state, 'stopped', name);
      assert.equal(listed.get(name)?.pid, undefined);
      assert.ok(!existsSync(layout.pidFile), `${name}: pid file removed`);
      const system = (await collectLogs(runtime, parseInstanceId(name))).map((l) => l.text);
      assert.ok(system.some((t) => t.startsWith('removed stale pid file')), system.join('\n'));
    }
    assert.ok(pidExists(process.pid));
    assert.ok(existsSync(join(rootDir, 'Not.An.Id')), 'foreign folders are left alone');
  });
});
