/**
 * Applies the control database's SQL migrations at boot, each in its own transaction, and
 * records them in `_burrow_migrations`. Several processes may boot at once (api, worker):
 * SQLite serialises them with BEGIN IMMEDIATE, Postgres with an advisory lock. A migration
 * that was applied and then edited is refused rather than silently skipped.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseTarget } from './client.js';
import { readMigrations, type Migration } from './migrations_dir.js';

/** What a migrate run did. */
export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

const TABLE = '_burrow_migrations';
/** Arbitrary constant naming Burrow's migration lock among Postgres advisory locks. */
const PG_LOCK_KEY = 724_104_771;

/** Brings the database up to date; throws when an applied migration's SQL changed. */
export async function migrate(target: DatabaseTarget, prismaDir?: string): Promise<MigrateResult> {
  return target.kind === 'sqlite'
    ? migrateSqlite(target.file, readMigrations('sqlite', prismaDir))
    : migratePostgres(target.url, readMigrations('postgres', prismaDir));
}

function checkApplied(migrations: Migration[], applied: Map<string, string>): Migration[] {
  for (const [name, checksum] of applied) {
    const m = migrations.find((x) => x.name === name);
    if (m && m.checksum !== checksum) throw new Error(`migration ${name} was changed after it was applied; add a new migration instead`);
  }
  return migrations.filter((m) => !applied.has(m.name));
}

function migrateSqlite(file: string, migrations: Migration[]): MigrateResult {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 10_000 });
  try {
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, appliedAt INTEGER NOT NULL)`);
    const result: MigrateResult = { applied: [], alreadyApplied: 0 };
    const run = db.transaction(() => {
      const rows = db.prepare(`SELECT name, checksum FROM ${TABLE}`).all() as Array<{ name: string; checksum: string }>;
      const pending = checkApplied(migrations, new Map(rows.map((r) => [r.name, r.checksum])));
      result.alreadyApplied = rows.length;
      for (const m of pending) {
        db.exec(m.sql);
        db.prepare(`INSERT INTO ${TABLE} (name, checksum, appliedAt) VALUES (?, ?, ?)`).run(m.name, m.checksum, Date.now());
        result.applied.push(m.name);
      }
    });
    run.immediate();
    return result;
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<MigrateResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PG_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, "appliedAt" BIGINT NOT NULL)`);
    const { rows } = await client.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM ${TABLE}`);
    const pending = checkApplied(migrations, new Map(rows.map((r) => [r.name, r.checksum])));
    const result: MigrateResult = { applied: [], alreadyApplied: rows.length };
    for (const m of pending) {
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query(`INSERT INTO ${TABLE} (name, checksum, "appliedAt") VALUES ($1, $2, $3)`, [m.name, m.checksum, Date.now()]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      result.applied.push(m.name);
    }
    return result;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PG_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
