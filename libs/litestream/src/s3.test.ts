import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, startS3Server, type S3ServerHandle } from '@burrow/testing';
import { litestreamBinary } from './binary.js';
import type { S3ReplicaTarget } from './config.js';
import { restoreAt, restoreWindow } from './point_in_time.js';
import { batchesIn, clockPast, insertBatch, replicatingNotesDb, replicatedUntil } from './test_support.js';

const bin = litestreamBinary();
const BUCKET = 'burrow-replicas';
const PREFIX = 'instances/inst_s3test/litestream';
let root: string;
let s3: S3ServerHandle;

function s3Target(over: Partial<S3ReplicaTarget> = {}): S3ReplicaTarget {
  return { type: 's3', endpoint: s3.endpoint, bucket: BUCKET, path: PREFIX, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, ...over };
}

/** Runs restoreWindow for `target` expecting a failure; returns its message and how long it took. */
async function windowFailure(target: S3ReplicaTarget): Promise<{ message: string; ms: number }> {
  const started = Date.now();
  // The bound: a store that cannot be read must fail, not leave the caller waiting.
  const signal = AbortSignal.timeout(30_000);
  const err = await restoreWindow(bin, target, root, signal).then(
    (w) => assert.fail(`expected an error, got ${JSON.stringify(w)}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof Error);
  assert.equal(signal.aborted, false, `no answer within 30 s: ${err.message}`);
  return { message: err.message, ms: Date.now() - started };
}

describe('litestream with an S3-compatible store', () => {
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'burrow-litestream-s3-'));
    s3 = await startS3Server({ buckets: [BUCKET] });
  });
  after(async () => {
    await s3?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('an empty prefix of a readable bucket is an empty window, not an error', async () => {
    assert.deepEqual(await restoreWindow(bin, s3Target({ path: 'instances/nobody/litestream' }), root), { generations: [] });
  });

  test('replicates a live writer to the bucket under its prefix; restores a moment and, after stop, everything', async () => {
    const target = s3Target();
    const { db, rep, logs } = await replicatingNotesDb(bin, join(root, 'pitr'), target);
    try {
      insertBatch(db, 'a', 500);
      await replicatedUntil(bin, target, root, Date.now(), () => logs.slice(-20).join('\n'));
      const window = await restoreWindow(bin, target, root);
      assert.equal(window.generations.length, 1, JSON.stringify(window));
      assert.ok(window.earliest && window.latest && window.earliest <= window.latest);
      const betweenAandB = Date.now();
      await clockPast(betweenAandB + 1_100);
      insertBatch(db, 'b', 300);
      await replicatedUntil(bin, target, root, Date.now(), () => logs.slice(-20).join('\n'));
      insertBatch(db, 'c', 200);
      // Stopped right away: its final sync must carry c to the bucket.
      await rep.stop();

      const atA = join(root, 'at-a.db');
      await restoreAt(bin, target, new Date(betweenAandB), atA, root);
      assert.deepEqual(batchesIn(atA), { a: 500 });
      const latest = join(root, 'latest.db');
      await restoreAt(bin, target, new Date(Date.now() + 60_000), latest, root);
      assert.deepEqual(batchesIn(latest), { a: 500, b: 300, c: 200 });

      // Everything Litestream wrote is under the configured prefix, in the generation reported.
      const keys = await s3.listKeys(BUCKET);
      const generation = window.generations[0]?.id ?? '';
      assert.ok(keys.length > 0);
      assert.deepEqual(keys.filter((k) => !k.startsWith(`${PREFIX}/generations/${generation}/`)), []);
      assert.ok(keys.some((k) => /\/snapshots\/[0-9a-f]+\.snapshot\.lz4$/.test(k)), keys.join('\n'));
      assert.ok(keys.some((k) => /\/wal\/[0-9a-f]+_[0-9a-f]+\.wal\.lz4$/.test(k)), keys.join('\n'));
    } finally {
      await rep.stop();
      db.close();
    }
    assert.ok(logs.some((l) => /replicating to.*type=s3/.test(l)), logs.join('\n'));
  });

  test('an unknown access key is a clear error, not an empty window', async () => {
    const { message, ms } = await windowFailure(s3Target({ accessKeyId: 'NOT-A-KEY' }));
    assert.match(message, /cannot list generations: InvalidAccessKeyId/);
    assert.ok(ms < 20_000, `took ${ms} ms`);
  });

  test('a wrong secret is a clear error', async () => {
    const { message, ms } = await windowFailure(s3Target({ secretAccessKey: 'not-the-secret' }));
    assert.match(message, /cannot list generations: SignatureDoesNotMatch/);
    assert.ok(ms < 20_000, `took ${ms} ms`);
  });

  test('a missing bucket is a clear error', async () => {
    const { message, ms } = await windowFailure(s3Target({ bucket: 'no-such-bucket' }));
    assert.match(message, /cannot list generations: NoSuchBucket/);
    assert.ok(ms < 20_000, `took ${ms} ms`);
  });

  test('a store that is not there is a clear error', async () => {
    const { message, ms } = await windowFailure(s3Target({ endpoint: `http://127.0.0.1:${await freePort()}` }));
    assert.match(message, /cannot list generations: .*connection refused/);
    assert.ok(ms < 20_000, `took ${ms} ms`);
  });
});
