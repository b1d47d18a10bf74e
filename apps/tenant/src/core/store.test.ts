import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { Store } from './store.js';

test('with a shared WAL (Litestream reading it), closing does not wait for the other reader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'burrow-store-'));
  try {
    for (const sharedWal of [true, false]) {
      const store = new Store({ dataDir: join(dir, String(sharedWal)), sharedWal });
      store.data.db.exec('CREATE TABLE t (v TEXT)');
      // another process's long read transaction on an old snapshot, as Litestream keeps one
      const reader = new Database(join(dir, String(sharedWal), 'data.db'));
      reader.pragma('busy_timeout = 10000');
      reader.exec('BEGIN');
      reader.prepare('SELECT COUNT(*) FROM t').get();
      store.data.db.prepare('INSERT INTO t VALUES (?)').run('after the snapshot');
      store.data.db.pragma('busy_timeout = 300'); // keeps the TRUNCATE case short
      const started = Date.now();
      store.close();
      const took = Date.now() - started;
      reader.exec('COMMIT');
      reader.close();
      if (sharedWal) assert.ok(took < 150, `a PASSIVE checkpoint does not wait (${took} ms)`);
      else assert.ok(took >= 250, `a TRUNCATE checkpoint waits for the reader (${took} ms): the case sharedWal avoids`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
