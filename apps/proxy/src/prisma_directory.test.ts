// PrismaInstanceDirectory against a real, migrated SQLite control DB.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InstanceStore, PLATFORM_KEY_ENV, type Instance } from '@burrow/db';
import { parseInstanceId } from '@burrow/runtime';
import { PrismaInstanceDirectory } from './prisma_directory.js';
import { testControlDb, type TestControlDb } from './test_support/control_db.js';

/** An InstanceStore that counts the name lookups reaching the DB, and can hold their answers back. */
class CountingStore extends InstanceStore {
  reads = 0;
  /** While set, a lookup reads its row, calls `onRead`, then waits for this before answering. */
  hold: Promise<void> | undefined;
  onRead: (() => void) | undefined;
  override async byName(name: string): Promise<Instance | null> {
    this.reads += 1;
    const hold = this.hold;
    const row = await super.byName(name);
    this.onRead?.();
    await hold;
    return row;
  }
}

describe('PrismaInstanceDirectory', () => {
  let t: TestControlDb;
  let store: CountingStore;
  let now = 0;
  const TTL = 1_000;
  const directory = (): PrismaInstanceDirectory => new PrismaInstanceDirectory(store, { cacheTtlMs: TTL, now: () => now });

  before(async () => {
    t = await testControlDb();
    store = new CountingStore(t.db, t.box);
  });

  after(async () => {
    await t.cleanup();
  });

  test('findByName returns id, name, status and the decrypted env; unknown names are undefined', async () => {
    const id = await t.addInstance('lookup', 'sleeping', { API_KEY: 's3cret', DB_URL: 'postgres://u:p@db/x' });
    const record = await directory().findByName('lookup');
    assert.deepEqual(record, {
      id: parseInstanceId(id),
      name: 'lookup',
      status: 'sleeping',
      env: { API_KEY: 's3cret', DB_URL: 'postgres://u:p@db/x', [PLATFORM_KEY_ENV]: 'pk-lookup' },
    });
    assert.equal(await directory().findByName('nobody'), undefined);
  });

  test('an instance with continuous backup on is woken with its replica (under the platform backups dir)', async () => {
    const id = await t.addInstance('streamed', 'sleeping');
    await t.db.instance.update({ where: { id }, data: { continuousBackup: true } });
    const replicaStore = { backupsDir: '/srv/burrow/backups', retentionHours: 24, snapshotIntervalHours: 2 };
    const record = await new PrismaInstanceDirectory(store, { cacheTtlMs: 0, replicaStore }).findByName('streamed');
    assert.deepEqual(record?.continuousBackup, {
      target: { type: 'file', path: `/srv/burrow/backups/${id}/litestream` },
      timing: { retentionS: 24 * 3600, snapshotIntervalS: 2 * 3600 },
    });
    assert.equal((await directory().findByName('lookup'))?.continuousBackup, undefined, 'off: no replica');
  });

  test('lookups and misses are cached for the TTL, shared while in flight, and bypassed by fresh reads', async () => {
    const id = await t.addInstance('cached', 'running');
    const dir = directory();
    const reads = store.reads;
    const [a, b] = await Promise.all([dir.findByName('cached'), dir.findByName('cached')]);
    assert.equal(a?.status, 'running');
    assert.deepEqual(a, b);
    assert.equal(store.reads - reads, 1, 'concurrent lookups share one query');

    await t.setStatus(id, 'stopped'); // the api powers it off
    now += TTL - 1;
    assert.equal((await dir.findByName('cached'))?.status, 'running', 'stale within the TTL');
    assert.equal((await dir.findByName('cached', { fresh: true }))?.status, 'stopped', 'a fresh read sees the write');
    now += TTL + 1;
    assert.equal((await dir.findByName('cached'))?.status, 'stopped');

    const before = store.reads;
    assert.equal(await dir.findByName('not-yet'), undefined);
    await t.addInstance('not-yet', 'provisioning');
    assert.equal(await dir.findByName('not-yet'), undefined, 'a miss is cached too');
    assert.equal(store.reads - before, 1);
  });

  test('records are copies: a caller changing one does not change the cache', async () => {
    await t.addInstance('copied', 'running', { A: '1' });
    const dir = directory();
    const first = await dir.findByName('copied');
    assert.ok(first);
    first.env.A = 'changed';
    first.status = 'failed';
    const second = await dir.findByName('copied');
    assert.equal(second?.env.A, '1');
    assert.equal(second?.status, 'running');
  });

  test("the proxy's own markStatus drops the cached entry at once", async () => {
    const id = parseInstanceId(await t.addInstance('marked', 'sleeping'));
    const dir = directory();
    assert.equal((await dir.findByName('marked'))?.status, 'sleeping');
    assert.equal(await dir.markStatus(id, 'running'), true);
    assert.equal((await dir.findByName('marked'))?.status, 'running');
    assert.equal(await dir.markStatus(id, 'sleeping'), true);
    assert.equal((await dir.findByName('marked'))?.status, 'sleeping');
  });

  test('a lookup that read before a markStatus does not put its stale row in the cache', async () => {
    const id = parseInstanceId(await t.addInstance('racing', 'sleeping'));
    const dir = directory();
    let release = (): void => {};
    store.hold = new Promise((resolve) => (release = resolve));
    const read = new Promise<void>((resolve) => (store.onRead = resolve));
    const slow = dir.findByName('racing');
    await read; // the row (sleeping) has been read; its answer is held back
    store.hold = undefined;
    store.onRead = undefined;
    assert.equal(await dir.markStatus(id, 'running'), true);
    release();
    assert.equal((await slow)?.status, 'sleeping', 'its own caller gets what it read');
    assert.equal((await dir.findByName('racing'))?.status, 'running');
  });

  test('markStatus moves only running <-> sleeping and to failed, never over an api/worker status', async () => {
    const dir = directory();
    for (const status of ['deleting', 'stopped', 'provisioning'] as const) {
      const id = await t.addInstance(`keep-${status}`, status);
      for (const write of ['running', 'sleeping', 'failed'] as const) {
        assert.equal(await dir.markStatus(parseInstanceId(id), write), false, `${write} over ${status}`);
      }
      assert.equal(await t.statusOf(id), status);
    }
    const id = await t.addInstance('moving', 'running');
    assert.equal(await dir.markStatus(parseInstanceId(id), 'running'), false, 'running only from sleeping');
    await t.setStatus(id, 'deleting'); // the worker starts deleting it while the proxy holds it
    assert.equal(await dir.markStatus(parseInstanceId(id), 'sleeping'), false);
    assert.equal(await t.statusOf(id), 'deleting');
    await t.setStatus(id, 'sleeping');
    assert.equal(await dir.markStatus(parseInstanceId(id), 'failed', 'crashed 5 times'), true);
    const row = await t.db.instance.findUniqueOrThrow({ where: { id } });
    assert.equal(row.status, 'failed');
    assert.equal(row.statusReason, 'crashed 5 times');
    assert.equal(await dir.markStatus(parseInstanceId(id), 'running'), false, 'a failed instance is not revived by the proxy');
  });

  test('a row with a status outside the contract is an error, not a guess', async () => {
    const id = await t.addInstance('weird', 'running');
    await t.db.instance.update({ where: { id }, data: { status: 'paused' } });
    await assert.rejects(directory().findByName('weird'), /unknown status "paused"/);
  });
});
