import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually } from '@burrow/testing';
import { litestreamBinary } from './binary.js';
import { platformReplica, renderConfig, type FileReplicaTarget } from './config.js';
import { chooseGeneration, parseGenerations, PointInTimeError, restoreAt } from './point_in_time.js';
import { batchesIn, clockPast, insertBatch, openNotesDb, replicatingNotesDb, replicatedUntil } from './test_support.js';

const bin = litestreamBinary();
let root: string;

describe('litestream', () => {
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'burrow-litestream-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('platform replicas: a directory per instance under the backups dir, or a prefix per instance in the bucket', () => {
    const base = { backupsDir: '/srv/backups', retentionHours: 72, snapshotIntervalHours: 6 };
    assert.deepEqual(platformReplica(base, 'abc'), { target: { type: 'file', path: '/srv/backups/abc/litestream' }, timing: { retentionS: 259_200, snapshotIntervalS: 21_600 } });
    const s3 = { endpoint: 'http://127.0.0.1:9000', bucket: 'b', region: 'eu-1', prefix: 'tenants', accessKeyId: 'AK', secretAccessKey: 'SK' };
    assert.deepEqual(platformReplica({ ...base, s3 }, 'abc').target, { type: 's3', endpoint: 'http://127.0.0.1:9000', bucket: 'b', region: 'eu-1', path: 'tenants/abc/litestream', accessKeyId: 'AK', secretAccessKey: 'SK' });
    assert.equal((platformReplica({ ...base, s3: { ...s3, prefix: '' } }, 'abc').target as { path: string }).path, 'abc/litestream');
  });

  test('config: quoted values, s3 options, no secret expansion', () => {
    const yml = renderConfig({
      dbPath: '/d/data.db',
      target: { type: 's3', endpoint: 'http://127.0.0.1:9000', bucket: 'b', path: 'i/x', accessKeyId: 'AK', secretAccessKey: 'se$cret"' },
    });
    assert.match(yml, /path: "\/d\/data.db"/);
    assert.match(yml, /secret-access-key: "se\$cret\\""/);
    assert.match(yml, /force-path-style: true/);
    assert.match(yml, /sync-interval: 1s/);
  });

  test('generations table and the choice of generation', () => {
    const gens = parseGenerations(
      'name  generation        lag  start                 end\nmain  aaaa  1s  2026-01-01T00:00:00Z  2026-01-01T01:00:00Z\nmain  bbbb  1s  2026-01-01T02:00:00Z  2026-01-01T03:00:00Z\n',
    );
    assert.deepEqual(gens.map((g) => g.id), ['aaaa', 'bbbb']);
    assert.deepEqual(chooseGeneration(gens, new Date('2026-01-01T00:30:00Z')), { generation: gens[0], until: new Date('2026-01-01T00:30:00Z') });
    assert.deepEqual(chooseGeneration(gens, new Date('2026-01-01T01:30:00Z')), { generation: gens[0] }); // in the gap: the first, whole
    assert.deepEqual(chooseGeneration(gens, new Date('2026-01-02T00:00:00Z')), { generation: gens[1] }); // after the last
    assert.throws(() => chooseGeneration(gens, new Date('2025-12-31T23:00:00Z')), (e: unknown) => e instanceof PointInTimeError && e.code === 'too_early');
    assert.throws(() => chooseGeneration([], new Date()), (e: unknown) => e instanceof PointInTimeError && e.code === 'empty');
  });

  test('replicates while a writer runs; restores any moment; a stop ships the last writes', async () => {
    const target: FileReplicaTarget = { type: 'file', path: join(root, 'pitr-replica') };
    const { db, rep, logs } = await replicatingNotesDb(bin, join(root, 'pitr'), target);
    try {
      insertBatch(db, 'a', 500);
      await replicatedUntil(bin, target, root, Date.now());
      const betweenAandB = Date.now();
      await clockPast(betweenAandB + 1_100);
      insertBatch(db, 'b', 300);
      await replicatedUntil(bin, target, root, Date.now());
      // A moment counts the writes shipped by then (committed up to one sync interval before).
      const afterB = Date.now();
      await clockPast(afterB + 1_100);
      insertBatch(db, 'c', 200);
      // stop right away: the final sync must carry c
      await rep.stop();

      const atA = join(root, 'at-a.db');
      await restoreAt(bin, target, new Date(betweenAandB), atA, root);
      assert.deepEqual(batchesIn(atA), { a: 500 });
      const atB = join(root, 'at-b.db');
      await restoreAt(bin, target, new Date(afterB), atB, root);
      assert.deepEqual(batchesIn(atB), { a: 500, b: 300 });
      const latest = join(root, 'latest.db');
      await restoreAt(bin, target, new Date(Date.now() + 60_000), latest, root);
      assert.deepEqual(batchesIn(latest), { a: 500, b: 300, c: 200 });
      await assert.rejects(restoreAt(bin, target, new Date(Date.now() - 3_600_000), join(root, 'early.db'), root), (e: unknown) => e instanceof PointInTimeError && e.code === 'too_early');
    } finally {
      await rep.stop();
      db.close();
    }
    assert.ok(logs.some((l) => /replicating to/.test(l)), logs.join('\n'));
  });

  test('a replicate whose owner is killed shuts down by itself', async () => {
    const dir = join(root, 'orphan');
    mkdirSync(dir);
    const dbPath = join(dir, 'data.db');
    openNotesDb(dbPath).close();
    const configPath = join(dir, 'litestream.yml');
    writeFileSync(configPath, renderConfig({ dbPath, target: { type: 'file', path: join(root, 'orphan-replica') } }), { mode: 0o600 });
    // An owner process that starts a Replicator, reports its pid, then waits to be killed.
    const script = `import { Replicator } from ${JSON.stringify(new URL('./replicator.ts', import.meta.url).href)};
const rep = new Replicator({ bin: ${JSON.stringify(bin)}, configPath: ${JSON.stringify(configPath)}, log: () => {} });
await rep.start(); console.log(rep.pid); setInterval(() => {}, 1000);`;
    const owner = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve, reject) => {
      owner.stdout.once('data', (d: Buffer) => resolve(Number.parseInt(d.toString(), 10)));
      owner.once('exit', () => reject(new Error('owner exited early')));
    });
    assert.ok(pid > 0);
    assert.equal(readFileSync(`${configPath}.pid`, 'utf8').trim(), String(pid));
    owner.kill('SIGKILL');
    await eventually('orphaned litestream exits', async () => {
      try {
        process.kill(pid, 0);
        return undefined;
      } catch {
        return true;
      }
    }, 10_000);
  });
});
