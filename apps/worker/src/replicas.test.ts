/**
 * replica.add with a real worker, real Redis and real LiteFS mounts: a worker killed while it
 * moves the instance's database into LiteFS (the instance held `stopped`) leaves a job the next
 * worker finishes — the move completed once, the data intact, the replica running.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { liteFsForTests } from '@burrow/litefs/testing';
import { httpRequest, parseInstanceId } from '@burrow/runtime';
import { InstanceNodeStore, type ControlInstanceId } from '@burrow/db';
import { startWorker, type RunningWorker } from './start_worker.js';
import { WorkerFixture } from './test_support/fixture.js';

const lfs = liteFsForTests();

describe('worker: replicas', { skip: lfs.skip, timeout: 120_000 }, () => {
  let f: WorkerFixture;
  let worker: RunningWorker | undefined;
  const nodes: string[] = [];

  before(async () => {
    f = await WorkerFixture.start();
  });

  after(async () => {
    await worker?.close();
    for (const id of nodes) await f?.runtime.remove(parseInstanceId(id)).catch(() => undefined);
    await f?.stop();
  });

  test('a worker killed mid-move into LiteFS: the next one finishes the move once, data intact, replica running', async () => {
    const target = await f.createInstance();
    worker = await startWorker(f.config, { logger: false });
    assert.equal((await f.finishedRun(await f.enqueue('instance.provision', { instanceId: target.id }))).state, 'completed');
    // Data the move must keep: a record written by the tenant before it.
    const before = await httpRequest(`${f.recordedUrl(target.id)}/api/collections/users/records`, {
      method: 'POST', json: { email: 'kept@example.com', password: '1234567890', passwordConfirm: '1234567890' },
    });
    assert.equal(before.status, 200);
    await worker.close();
    worker = undefined;

    const replica = await new InstanceNodeStore(f.db).addReplica(target.id);
    nodes.push(replica.id);
    let held: () => void = () => undefined;
    const reachedHold = new Promise<void>((resolve) => { held = resolve; });
    const fastLocks = { lockDurationMs: 3_000, stalledIntervalMs: 1_000 };
    const a = await startWorker(f.config, {
      ...fastLocks,
      logger: false,
      hooks: {
        afterProgress: async (e) => {
          if (e.job !== 'replica.add' || !e.step.startsWith('Importing')) return;
          held();
          await new Promise<never>(() => undefined);
        },
      },
    });
    const runId = await f.enqueue('replica.add', { instanceId: target.id, nodeId: replica.id });
    await reachedHold;
    await a.close({ abandonJobs: true });
    assert.equal((await f.db.instance.findUniqueOrThrow({ where: { id: target.id } })).status, 'stopped', 'held with the instance stopped');

    worker = await startWorker(f.config, { ...fastLocks, logger: false });
    const run = await f.finishedRun(runId, 60_000);
    assert.equal(run.state, 'completed', run.error ?? '');
    assert.equal((await f.db.instance.findUniqueOrThrow({ where: { id: target.id } })).status, 'running');
    const rows = await f.db.instanceNode.findMany({ where: { instanceId: target.id }, orderBy: { createdAt: 'asc' } });
    assert.deepEqual(rows.map((r) => [r.role, r.status]), [['primary', 'running'], ['replica', 'running']]);
    // The user written before the move signs in on the primary and on the replica.
    for (const id of [target.id, replica.id]) {
      const auth = await httpRequest(`${f.recordedUrl(id as ControlInstanceId)}/api/collections/users/auth-with-password`, {
        method: 'POST', json: { identity: 'kept@example.com', password: '1234567890' },
      });
      assert.equal(auth.status, id === target.id ? 200 : 409, `${id}: the replica replays auth (a write) to the primary`);
    }
    const read = await httpRequest(`${f.recordedUrl(replica.id as ControlInstanceId)}/api/health`);
    assert.equal(read.status, 200);
  });
});
