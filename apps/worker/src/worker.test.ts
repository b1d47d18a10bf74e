/**
 * The worker end to end: real Redis, a real SQLite control DB, real tenants started by the
 * process runtime. Run `npx tsc -b` first (the tenant runs from apps/tenant/dist).
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { extractArchive } from '@burrow/backup';
import bcrypt from 'bcryptjs';
import Database from 'better-sqlite3';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { backupSchedulerId, queueFor } from '@burrow/jobs';
import { httpRequest, parseInstanceId } from '@burrow/runtime';
import { HandlerRegistryError } from './handler_registry.js';
import { Injectable } from '@nestjs/common';
import { HANDLER_CLASSES } from './handlers/index.js';
import type { ProgressEvent } from './hooks.js';
import { startWorker, type RunningWorker } from './start_worker.js';
import { WorkerFixture, type TestInstance } from './test_support/fixture.js';

describe('worker', () => {
  let f: WorkerFixture;
  let worker: RunningWorker | undefined;
  const events: ProgressEvent[] = [];
  let inst: TestInstance;
  let url: string;

  /** The worker most tests share; it records every progress report in `events`. */
  const startShared = async (): Promise<RunningWorker> => startWorker(f.config, { logger: false, hooks: { afterProgress: async (e) => { events.push(e); } } });

  before(async () => {
    f = await WorkerFixture.start();
  });

  after(async () => {
    await worker?.close();
    await f?.stop();
  });

  test('boot refuses when a job has no handler or two, and releases what it opened', async () => {
    const clientsBefore = await f.redisClients();
    await assert.rejects(startWorker(f.config, { logger: false, handlers: HANDLER_CLASSES.slice(1) }), (err: unknown) => {
      assert.ok(err instanceof HandlerRegistryError, String(err));
      assert.deepEqual(err.problems, ['job "instance.provision" has no handler']);
      return true;
    });
    @Injectable()
    class SecondProvision {
      readonly job = 'instance.provision';
      async handle(): Promise<void> {}
    }
    const doubled = [...HANDLER_CLASSES, SecondProvision];
    await assert.rejects(startWorker(f.config, { logger: false, handlers: doubled }), /"instance\.provision" has 2 handlers: ProvisionHandler, SecondProvision/);
    await f.until(() => f.redisClients(), (n) => n === clientsBefore, 5_000, 'the refused workers to close their Redis connections');
  });

  test('provision: admin synced, tenant started and answering, instance running, progress recorded', async () => {
    worker = await startShared();
    inst = await f.createInstance();
    const runId = await f.enqueue('instance.provision', { instanceId: inst.id });
    const run = await f.finishedRun(runId);
    assert.equal(run.state, 'completed', run.error ?? '');
    assert.equal(run.percent, 100);
    assert.equal(run.step, 'Running');
    const row = await f.db.instance.findUniqueOrThrow({ where: { id: inst.id } });
    assert.equal(row.status, 'running');
    const mine = events.filter((e) => e.instanceId === inst.id && e.job === 'instance.provision');
    assert.deepEqual(mine.map((e) => `${e.percent} ${e.step}`), ['10 Preparing data directory', '40 Creating the admin account', '70 Starting the instance', '90 Waiting for it to answer', '100 Running']);

    url = f.recordedUrl(inst.id);
    assert.deepEqual(f.tenantPids(inst.id), [f.recordedPid(inst.id)]);
    assert.equal((await httpRequest(`${url}/api/health`)).status, 200);
    const auth = await httpRequest(`${url}/api/collections/_superusers/auth-with-password`, { method: 'POST', json: { identity: inst.email, password: inst.password } });
    assert.equal(auth.status, 200, auth.body);
    assert.equal((JSON.parse(auth.body) as { record: { email: string } }).record.email, inst.email);
    const wrong = await httpRequest(`${url}/api/collections/_superusers/auth-with-password`, { method: 'POST', json: { identity: inst.email, password: 'not-it' } });
    assert.equal(wrong.status, 400);
  });

  test('a second provision of a running instance changes nothing', async () => {
    const pid = f.recordedPid(inst.id);
    const run = await f.finishedRun(await f.enqueue('instance.provision', { instanceId: inst.id }));
    assert.equal(run.state, 'completed');
    assert.match(run.step, /Nothing to do \(instance is running\)/);
    assert.equal(f.recordedPid(inst.id), pid);
  });

  test('the reconciler queues the job of an instance whose api died before queueing it', async () => {
    const forgotten = await f.createInstance();
    const queued = await worker!.reconcile();
    assert.equal(queued.length, 1);
    const run = await f.finishedRun(queued[0]);
    assert.equal(run.state, 'completed', run.error ?? '');
    assert.equal((await f.db.instance.findUniqueOrThrow({ where: { id: forgotten.id } })).status, 'running');
    assert.deepEqual(await worker!.reconcile(), [], 'nothing left to re-queue');
  });

  test('the reconciler keeps the options the api stored with the status (a provisioning from a backup)', async () => {
    const seeded = await f.finishedRun(await f.enqueue('instance.backup', { instanceId: inst.id, name: 'seed.zip' }));
    assert.equal(seeded.state, 'completed', seeded.error ?? '');
    const copy = await f.createInstance();
    await f.db.instance.update({ where: { id: copy.id }, data: { statusJob: JSON.stringify({ fromBackup: { instanceId: inst.id, name: 'seed.zip' } }) } });
    const queued = await worker!.reconcile();
    assert.equal(queued.length, 1);
    const run = await f.finishedRun(queued[0]);
    assert.equal(run.state, 'completed', run.error ?? '');
    assert.ok(events.some((e) => e.instanceId === copy.id && e.step === 'Restoring seed.zip'), 'provisioned from the backup, not empty');
    // the copy holds the source's superuser (from the backup) next to its own owner
    const auth = await httpRequest(`${f.recordedUrl(copy.id)}/api/collections/_superusers/auth-with-password`, { method: 'POST', json: { identity: inst.email, password: inst.password } });
    assert.equal(auth.status, 200, auth.body);
  });

  test('backup under concurrent writes holds exactly a prefix of them; restore brings that back; the undo brings all back', async () => {
    const signup = (u: string, n: number) => httpRequest(`${u}/api/collections/users/records`, { method: 'POST', json: { email: `w${n}@example.com`, password: 'password-123', passwordConfirm: 'password-123' } });
    const written: number[] = [];
    let writing = true;
    const writer = (async () => {
      for (let n = 0; writing && n < 5000; n++) if ((await signup(url, n)).status === 200) written.push(n);
    })();
    while (written.length < 5) await new Promise((r) => setTimeout(r, 10));
    const backup = await f.finishedRun(await f.enqueue('instance.backup', { instanceId: inst.id, name: 'concurrent.zip' }), 60_000);
    writing = false;
    await writer;
    assert.equal(backup.state, 'completed', backup.error ?? '');
    const archive = join(f.config.backupsDir, inst.id, 'concurrent.zip');
    const dest = join(f.config.dataDir, 'concurrent-extracted');
    await extractArchive(archive, dest);
    const snap = new Database(join(dest, 'data.db'), { readonly: true });
    assert.equal((snap.pragma('integrity_check') as Array<{ integrity_check: string }>)[0].integrity_check, 'ok');
    const inSnapshot = (snap.prepare("SELECT email FROM users WHERE email LIKE 'w%'").all() as Array<{ email: string }>).map((r) => Number(r.email.slice(1).split('@')[0])).sort((a, b) => a - b);
    snap.close();
    assert.deepEqual(inSnapshot, written.slice(0, inSnapshot.length), 'a prefix of the writes, no gaps');
    for (let n = 9000; n < 9002; n++) assert.equal((await signup(url, n)).status, 200);

    const emails = async () => {
      const u = f.recordedUrl(inst.id);
      const su = await httpRequest(`${u}/api/collections/_superusers/auth-with-password`, { method: 'POST', json: { identity: inst.email, password: inst.password } });
      const token = (JSON.parse(su.body) as { token: string }).token;
      const list = await httpRequest(`${u}/api/collections/users/records?perPage=1000&fields=email`, { headers: { authorization: token } });
      return (JSON.parse(list.body) as { items: Array<{ email: string }> }).items.map((i) => Number(i.email.slice(1).split('@')[0])).sort((a, b) => a - b);
    };
    const restore = await f.finishedRun(await f.enqueue('instance.restore', { instanceId: inst.id, name: 'concurrent.zip', undoName: 'undo_concurrent.zip' }), 60_000);
    assert.equal(restore.state, 'completed', restore.error ?? '');
    assert.equal((await f.db.instance.findUniqueOrThrow({ where: { id: inst.id } })).status, 'running');
    assert.deepEqual(await emails(), inSnapshot, 'exactly the data of the snapshot moment');
    const undo = await f.finishedRun(await f.enqueue('instance.restore', { instanceId: inst.id, name: 'undo_concurrent.zip', undoName: 'undo_of_undo.zip' }), 60_000);
    assert.equal(undo.state, 'completed', undo.error ?? '');
    assert.deepEqual(await emails(), [...written, 9000, 9001].sort((a, b) => a - b), 'the undo brings the later writes back');
    url = f.recordedUrl(inst.id);
  });

  test('at boot the backup schedules of the rows are set again (a Redis that lost them gets them back)', async () => {
    await f.db.instance.update({ where: { id: inst.id }, data: { backupCron: '0 3 * * *' } });
    const redis = new Redis(f.config.redisUrl ?? '', { maxRetriesPerRequest: 1 });
    const queue = new Queue(queueFor('instance.backup', f.config.hostId), { connection: redis });
    try {
      await queue.removeJobScheduler(backupSchedulerId(inst.id));
      const second = await startWorker(f.config, { logger: false });
      try {
        const scheduler = await f.until(() => queue.getJobScheduler(backupSchedulerId(inst.id)), (s) => s !== undefined && s !== null, 10_000, 'the job scheduler');
        assert.equal(scheduler?.pattern, '0 3 * * *');
      } finally {
        await second.close();
      }
      await queue.removeJobScheduler(backupSchedulerId(inst.id));
    } finally {
      await f.db.instance.update({ where: { id: inst.id }, data: { backupCron: null } });
      await queue.close();
      redis.disconnect();
    }
  });

  test('power off stops the tenant (its port refuses), power on brings it back', async () => {
    await f.db.instance.update({ where: { id: inst.id }, data: { power: 'off' } });
    const off = await f.finishedRun(await f.enqueue('instance.power', { instanceId: inst.id, power: 'off' }));
    assert.equal(off.state, 'completed', off.error ?? '');
    assert.equal((await f.db.instance.findUniqueOrThrow({ where: { id: inst.id } })).status, 'stopped');
    await assert.rejects(httpRequest(`${url}/api/health`), /ECONNREFUSED/);
    assert.deepEqual(f.tenantPids(inst.id), []);

    await f.db.instance.update({ where: { id: inst.id }, data: { power: 'on' } });
    const on = await f.finishedRun(await f.enqueue('instance.power', { instanceId: inst.id, power: 'on' }));
    assert.equal(on.state, 'completed', on.error ?? '');
    assert.equal((await f.db.instance.findUniqueOrThrow({ where: { id: inst.id } })).status, 'running');
    assert.equal((await httpRequest(`${f.recordedUrl(inst.id)}/api/health`)).status, 200);
    assert.deepEqual(f.tenantPids(inst.id), [f.recordedPid(inst.id)]);
  });

  test('admin sync: a new console password works on the instance, the old one no longer', async () => {
    const password = 'a-new-password-123';
    await f.db.user.update({ where: { id: inst.ownerId }, data: { passwordHash: await bcrypt.hash(password, 4) } });
    const run = await f.finishedRun(await f.enqueue('instance.admin-sync', { instanceId: inst.id }));
    assert.equal(run.state, 'completed', run.error ?? '');
    const login = (pw: string) => httpRequest(`${f.recordedUrl(inst.id)}/api/collections/_superusers/auth-with-password`, { method: 'POST', json: { identity: inst.email, password: pw } });
    assert.equal((await login(password)).status, 200);
    assert.equal((await login(inst.password)).status, 400);
  });

  test('graceful close lets the active job finish first', async () => {
    const slow = await f.createInstance();
    let release = (): void => undefined;
    let held = (): void => undefined;
    const reached = new Promise<void>((resolve) => { held = resolve; });
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const w = await startWorker(f.config, {
      logger: false,
      hooks: { afterProgress: async (e) => { if (e.instanceId === slow.id && e.percent === 10) { held(); await gate; } } },
    });
    // The shared worker must not take this job: only `w` consumes while it runs.
    await worker?.close();
    const runId = await f.enqueue('instance.provision', { instanceId: slow.id });
    await reached;
    let closed = false;
    const closing = w.close().then(() => { closed = true; });
    await f.until(async () => (await f.db.jobRun.findUniqueOrThrow({ where: { id: runId } })).state, (s) => s === 'active', 5_000, 'the run to be active');
    assert.equal(closed, false, 'close waits for the active job');
    release();
    await closing;
    assert.equal((await f.db.jobRun.findUniqueOrThrow({ where: { id: runId } })).state, 'completed');
    assert.equal((await f.db.instance.findUniqueOrThrow({ where: { id: slow.id } })).status, 'running');
    worker = await startShared();
  });

  test('deprovision removes the tenant, its directory and its row', async () => {
    await f.db.instance.update({ where: { id: inst.id }, data: { status: 'deleting' } });
    const runId = await f.enqueue('instance.deprovision', { instanceId: inst.id });
    const run = await f.finishedRun(runId);
    assert.equal(run.state, 'completed', run.error ?? '');
    assert.equal(await f.db.instance.findUnique({ where: { id: inst.id } }), null);
    assert.equal(existsDir(f.dataDir(inst.id)), false);
    assert.deepEqual(f.tenantPids(inst.id), []);
  });

  test('a worker killed mid-job: another one takes the job over and finishes it once', async () => {
    await worker?.close();
    worker = undefined;
    const victim = await f.createInstance();
    // Worker A holds the job right after the tenant started, until it is abandoned.
    let held: (pid: number | undefined) => void = () => undefined;
    const reachedHold = new Promise<number | undefined>((resolve) => { held = resolve; });
    const fastLocks = { lockDurationMs: 3_000, stalledIntervalMs: 1_000 };
    const a = await startWorker(f.config, {
      ...fastLocks,
      logger: false,
      hooks: {
        afterProgress: async (e) => {
          if (e.instanceId !== victim.id || e.step !== 'Waiting for it to answer') return;
          held(f.recordedPid(victim.id));
          await new Promise<never>(() => undefined);
        },
      },
    });
    const runId = await f.enqueue('instance.provision', { instanceId: victim.id });
    const pidAtCrash = await reachedHold;
    assert.ok(pidAtCrash, 'the tenant was started before the crash');
    await a.close({ abandonJobs: true });

    const seenByB: ProgressEvent[] = [];
    worker = await startWorker(f.config, { ...fastLocks, logger: false, hooks: { afterProgress: async (e) => { seenByB.push(e); } } });
    const run = await f.finishedRun(runId, 20_000);
    assert.equal(run.state, 'completed', run.error ?? '');
    assert.equal((await f.db.instance.findUniqueOrThrow({ where: { id: victim.id } })).status, 'running');
    const mine = seenByB.filter((e) => e.instanceId === victim.id);
    assert.equal(mine.filter((e) => e.step === 'Running').length, 1, 'finished once');
    assert.deepEqual(f.tenantPids(victim.id), [pidAtCrash], 'the tenant A started was adopted, not started twice');
  });

  test('a worker killed mid-restore (instance stopped, data not yet swapped): the next one finishes it, data intact', async () => {
    assert.ok(worker);
    const target = await f.createInstance();
    assert.equal((await f.finishedRun(await f.enqueue('instance.provision', { instanceId: target.id }))).state, 'completed');
    assert.equal((await f.finishedRun(await f.enqueue('instance.backup', { instanceId: target.id, name: 'k.zip' }))).state, 'completed');
    await worker.close();
    worker = undefined;
    let held: () => void = () => undefined;
    const reachedHold = new Promise<void>((resolve) => { held = resolve; });
    const fastLocks = { lockDurationMs: 3_000, stalledIntervalMs: 1_000 };
    const a = await startWorker(f.config, {
      ...fastLocks,
      logger: false,
      hooks: {
        afterProgress: async (e) => {
          if (e.instanceId !== target.id || e.job !== 'instance.restore' || !e.step.startsWith('Restoring')) return;
          held();
          await new Promise<never>(() => undefined);
        },
      },
    });
    const runId = await f.enqueue('instance.restore', { instanceId: target.id, name: 'k.zip', undoName: 'undo_killed.zip' });
    await reachedHold;
    await a.close({ abandonJobs: true });
    assert.equal((await f.db.instance.findUniqueOrThrow({ where: { id: target.id } })).status, 'stopped', 'held with the instance stopped');

    worker = await startWorker(f.config, { ...fastLocks, logger: false });
    const run = await f.finishedRun(runId, 30_000);
    assert.equal(run.state, 'completed', run.error ?? '');
    assert.equal((await f.db.instance.findUniqueOrThrow({ where: { id: target.id } })).status, 'running');
    const db = new Database(join(f.config.instancesDir, target.id, 'data', 'data.db'), { readonly: true });
    assert.equal((db.pragma('integrity_check') as Array<{ integrity_check: string }>)[0].integrity_check, 'ok');
    db.close();
    assert.equal((await httpRequest(`${f.recordedUrl(target.id)}/api/health`)).status, 200);
  });

  test('a permanent failure fails the run at once and marks the instance failed with the reason', async () => {
    assert.ok(worker);
    const orphan = await f.createInstance();
    // An owner cannot vanish through the api (foreign key); force it to provoke the permanent failure.
    await f.db.$executeRawUnsafe('PRAGMA foreign_keys = OFF');
    await f.db.user.delete({ where: { id: orphan.ownerId } });
    await f.db.$executeRawUnsafe('PRAGMA foreign_keys = ON');
    const run = await f.finishedRun(await f.enqueue('instance.provision', { instanceId: orphan.id }));
    assert.equal(run.state, 'failed');
    assert.equal(run.attempts, 1, 'not retried');
    assert.match(run.error ?? '', /owner account .* no longer exists/);
    const row = await f.db.instance.findUniqueOrThrow({ where: { id: orphan.id } });
    assert.equal(row.status, 'failed');
    assert.match(row.statusReason ?? '', /^Creating the admin account: the owner account .* no longer exists/);
    assert.deepEqual(f.tenantPids(orphan.id), []);

    // Deleting it after a crash that already removed its files still finishes.
    await f.db.instance.update({ where: { id: orphan.id }, data: { status: 'deleting' } });
    await f.runtime.remove(parseInstanceId(orphan.id));
    const removal = await f.finishedRun(await f.enqueue('instance.deprovision', { instanceId: orphan.id }));
    assert.equal(removal.state, 'completed', removal.error ?? '');
    assert.equal(await f.db.instance.findUnique({ where: { id: orphan.id } }), null);
  });

  test('at boot, the tenant of an instance that has no row is stopped and removed (no orphans), its data kept; known ones stay', async () => {
    const known = await f.createInstance();
    const keep = await f.finishedRun(await f.enqueue('instance.provision', { instanceId: known.id }));
    assert.equal(keep.state, 'completed', keep.error ?? '');
    const stray = parseInstanceId('strayinstance01');
    await f.runtime.start({ id: stray, env: {} });
    const strayPid = f.recordedPid(stray);
    await worker?.close();
    worker = await startShared();
    await f.until(async () => existsDir(join(f.config.instancesDir, stray, 'runtime')), (present) => !present, 30_000, 'the stray tenant to be removed');
    assert.deepEqual(f.tenantPids(stray), [], `pid ${strayPid} stopped`);
    assert.ok(existsDir(f.dataDir(stray)), 'its data is kept for the operator');
    assert.ok(existsDir(f.dataDir(known.id)), 'an instance with a row keeps its data');
    assert.equal((await httpRequest(`${f.recordedUrl(known.id)}/api/health`)).status, 200);
  });
});

function existsDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
