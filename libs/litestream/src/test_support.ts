/**
 * Test support (not used by the library): a WAL-mode database written in batches, what a
 * restored copy holds, and waiting for a replica to catch up, for tests against any target.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { eventually } from '@burrow/testing';
import { renderConfig, type ReplicaTarget } from './config.js';
import { restoreWindow } from './point_in_time.js';
import { Replicator } from './replicator.js';

/** Opens (creating) a WAL-mode database with a `notes(id, batch)` table. */
export function openNotesDb(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, batch TEXT)');
  return db;
}

/** A new `dir/data.db` (see openNotesDb) replicated to `target` by a started Replicator whose output goes to `logs`. */
export async function replicatingNotesDb(bin: string, dir: string, target: ReplicaTarget): Promise<{ db: Database.Database; rep: Replicator; logs: string[] }> {
  mkdirSync(dir);
  const dbPath = join(dir, 'data.db');
  const configPath = join(dir, 'litestream.yml');
  writeFileSync(configPath, renderConfig({ dbPath, target }), { mode: 0o600 });
  const db = openNotesDb(dbPath);
  const logs: string[] = [];
  const rep = new Replicator({ bin, configPath, log: (l) => logs.push(l) });
  await rep.start();
  return { db, rep, logs };
}

/** Inserts `n` rows of `batch` in one transaction. */
export function insertBatch(db: Database.Database, batch: string, n: number): void {
  const stmt = db.prepare('INSERT INTO notes (batch) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < n; i++) stmt.run(batch);
  })();
}

/** Row counts per batch of a restored database, after checking its integrity. */
export function batchesIn(path: string): Record<string, number> {
  const db = new Database(path, { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    const rows = db.prepare('SELECT batch, COUNT(*) AS n FROM notes GROUP BY batch').all() as { batch: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.batch, r.n]));
  } finally {
    db.close();
  }
}

/** Waits until the replica's newest moment reaches `t` (floored to the second). */
export async function replicatedUntil(bin: string, target: ReplicaTarget, workDir: string, t: number, context?: () => string): Promise<void> {
  const floor = Math.floor(t / 1000) * 1000;
  await eventually(`replica reaches ${new Date(t).toISOString()}`, async () => {
    const w = await restoreWindow(bin, target, workDir);
    return w.latest && w.latest.getTime() >= floor ? true : undefined;
  }, 20_000, context);
}

/** Waits for the wall clock to pass `t` (point-in-time bounds are whole seconds). */
export async function clockPast(t: number): Promise<void> {
  await eventually('clock', async () => (Date.now() > t ? true : undefined), 5_000);
}
