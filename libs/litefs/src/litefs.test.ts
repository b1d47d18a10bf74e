import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { eventually } from '@burrow/testing';
import { followEvents, importDatabase, nodeInfo, parsePosition, readLag, readPosition, readPrimary, renderNodeConfig, txidOf } from './index.js';
import { liteFsForTests, startCluster } from './test_support.js';

describe('renderNodeConfig', () => {
  test('a primary is the static candidate; a replica names it', () => {
    const base = { mountDir: '/m', dataDir: '/d', httpAddr: '127.0.0.1:1', primaryHostname: 'burrow-x-primary', primaryUrl: 'http://127.0.0.1:1' };
    const p = renderNodeConfig({ ...base, role: 'primary' });
    assert.match(p, /type: "static"/);
    assert.match(p, /candidate: true/);
    const r = renderNodeConfig({ ...base, role: 'replica' });
    assert.match(r, /candidate: false/);
    assert.match(r, /advertise-url: "http:\/\/127.0.0.1:1"/);
  });
  test('paths are quoted: nothing is read as YAML or a variable', () => {
    const y = renderNodeConfig({ role: 'primary', mountDir: '/a: b/$HOME', dataDir: '/d', httpAddr: '127.0.0.1:1', primaryHostname: 'h', primaryUrl: 'http://127.0.0.1:1' });
    assert.match(y, /dir: "\/a: b\/\$HOME"/);
  });
});

describe('importDatabase', () => {
  test('a file that is not a SQLite database is refused before LiteFS sees it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'burrow-litefs-import-'));
    try {
      writeFileSync(join(dir, 'bad.db'), 'not a database at all, but long enough to look like a file');
      await assert.rejects(importDatabase('/nonexistent/litefs', 'http://127.0.0.1:1', 'data.db', join(dir, 'bad.db')), /snapshot of .*bad\.db: .*(not a database|file is not)/i);
      await assert.rejects(importDatabase('/nonexistent/litefs', 'http://127.0.0.1:1', 'data.db', join(dir, 'missing.db')), /snapshot of/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parsePosition', () => {
  test('reads LiteFS -pos files', () => {
    assert.deepEqual(parsePosition('00000000000000ff/F93200035e304eba\n'), { txid: 255, checksum: 'f93200035e304eba' });
    for (const bad of ['', 'x/y', '1/2', '00000000000000ff']) assert.equal(parsePosition(bad), undefined);
  });
});

const lfs = liteFsForTests();

describe('a real LiteFS cluster (primary + 2 replicas)', { skip: lfs.skip }, () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  before(async () => {
    cluster = await startCluster(lfs.bin, 2);
  });
  after(async () => {
    await cluster?.close();
  });

  test('roles: .primary only on replicas, /info agrees', async () => {
    assert.equal(await readPrimary(join(cluster.root, 'p', 'mnt')), undefined);
    assert.equal(await readPrimary(join(cluster.root, 'r1', 'mnt')), 'burrow-test-primary');
    assert.equal((await nodeInfo(cluster.primary.apiUrl))?.isPrimary, true);
    assert.equal((await nodeInfo(cluster.replicas[0]!.apiUrl))?.isPrimary, false);
  });

  test('an imported database reaches every replica with the same checksum; writes follow; /events reports them', async () => {
    const src = join(cluster.root, 'src.db');
    const db = new Database(src);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    for (let i = 0; i < 50; i++) db.prepare('INSERT INTO t (v) VALUES (?)').run(`row ${i}`);
    db.close();
    await importDatabase(lfs.bin, cluster.primary.apiUrl, 'data.db', src);
    const pMnt = join(cluster.root, 'p', 'mnt');
    assert.ok(((await readPosition(pMnt))?.txid ?? 0) >= 1);
    const writer = new Database(join(pMnt, 'data.db'));
    writer.pragma('journal_mode = WAL'); // the imported snapshot is in rollback mode: one transaction
    const first = await readPosition(pMnt);

    // /events sends what happens after a client connects: connected (its `init`) before the writes.
    const events = new AbortController();
    const seen: number[] = [];
    let connected = false;
    const following = (async () => {
      for await (const e of followEvents(cluster.replicas[1]!.apiUrl, events.signal)) {
        if (e.type === 'init') connected = true;
        if (e.type === 'tx') seen.push(txidOf(e));
      }
    })().catch((err: unknown) => {
      if (!events.signal.aborted) throw err;
    });
    try {
      await eventually('events stream connected', async () => (connected ? true : undefined), 5_000);
      for (let i = 0; i < 5; i++) writer.prepare('INSERT INTO t (v) VALUES (?)').run(`new ${i}`);
      const last = await readPosition(pMnt);
      assert.equal(last?.txid, (first?.txid ?? 0) + 5);

      for (const r of ['r1', 'r2']) {
        const mnt = join(cluster.root, r, 'mnt');
        await eventually(`${r} caught up`, async () => ((await readPosition(mnt))?.txid === last?.txid ? true : undefined), 10_000);
        assert.deepEqual(await readPosition(mnt), last, 'same txid and checksum as the primary');
        const reader = new Database(join(mnt, 'data.db'), { readonly: true });
        assert.equal((reader.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 55);
        const rw = new Database(join(mnt, 'data.db'));
        assert.throws(() => rw.prepare('INSERT INTO t (v) VALUES (1)').run(), /I\/O|readonly|read-only/i, 'a replica refuses writes');
        rw.close();
        reader.close();
        const lag = await readLag(mnt);
        assert.ok(lag !== undefined && lag >= 0 && lag < 5_000, `lag ${lag}`);
      }
      await eventually('events seen', async () => (seen.includes(last?.txid ?? -1) ? true : undefined), 5_000);
      assert.deepEqual(seen.slice(-5), [1, 2, 3, 4, 5].map((k) => (first?.txid ?? 0) + k), 'one tx event per transaction, in order');
    } finally {
      events.abort();
      await following;
    }
    writer.close();
  });
});
