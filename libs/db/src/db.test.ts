import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { startPostgres, type PostgresHandle } from '@burrow/testing';
import { defaultPrismaDir, isRecordNotFound, migrate, newId, openControlDb, uniqueViolation, type ControlDb, type DatabaseTarget } from './index.js';
import { tablesFromSchema, type TableShape } from './schema_shape.js';

const expected = tablesFromSchema(readFileSync(join(defaultPrismaDir(), 'schema.prisma'), 'utf8'));

/** Columns, primary key and indexes as the database reports them, in the same shape. */
interface Actual {
  columns: Map<string, { type: string; nullable: boolean }>;
  primaryKey: string[];
  unique: string[][];
  indexes: string[][];
}

const SQLITE_TYPES: Record<string, string> = { String: 'TEXT', Int: 'INTEGER', DateTime: 'DATETIME', Boolean: 'BOOLEAN', BigInt: 'BIGINT', Float: 'REAL' };
const PG_TYPES: Record<string, string> = { String: 'text', Int: 'integer', DateTime: 'timestamp without time zone', Boolean: 'boolean', BigInt: 'bigint', Float: 'double precision' };

function sqliteShape(file: string, table: string): Actual {
  const db = new Database(file, { readonly: true });
  try {
    const cols = db.prepare(`SELECT name, type, "notnull" AS nn, pk FROM pragma_table_info(?)`).all(table) as Array<{ name: string; type: string; nn: number; pk: number }>;
    const idx = db.prepare(`SELECT name, "unique" AS u, origin FROM pragma_index_list(?)`).all(table) as Array<{ name: string; u: number; origin: string }>;
    const colsOf = (index: string) => (db.prepare(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`).all(index) as Array<{ name: string }>).map((r) => r.name);
    return {
      columns: new Map(cols.map((c) => [c.name, { type: c.type, nullable: c.nn === 0 && c.pk === 0 }])),
      primaryKey: cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
      unique: idx.filter((i) => i.u === 1 && i.origin === 'c').map((i) => colsOf(i.name)),
      indexes: idx.filter((i) => i.u === 0).map((i) => colsOf(i.name)),
    };
  } finally {
    db.close();
  }
}

async function pgShape(url: string, table: string): Promise<Actual> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const cols = await c.query<{ column_name: string; data_type: string; is_nullable: string }>(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`, [table]);
    const idx = await c.query<{ indexname: string; indisunique: boolean; indisprimary: boolean; cols: string[] }>(
      `SELECT i.relname AS indexname, x.indisunique, x.indisprimary,
              array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.n ORDER BY k.o)::text[] AS cols
         FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
        WHERE t.relname = $1`, [table]);
    return {
      columns: new Map(cols.rows.map((r) => [r.column_name, { type: r.data_type, nullable: r.is_nullable === 'YES' }])),
      primaryKey: idx.rows.find((r) => r.indisprimary)?.cols ?? [],
      unique: idx.rows.filter((r) => r.indisunique && !r.indisprimary).map((r) => r.cols),
      indexes: idx.rows.filter((r) => !r.indisunique).map((r) => r.cols),
    };
  } finally {
    await c.end();
  }
}

function assertMatches(table: TableShape, actual: Actual, types: Record<string, string>): void {
  assert.deepEqual([...actual.columns.keys()].sort(), table.columns.map((c) => c.name).sort(), `${table.name}: columns`);
  for (const col of table.columns) {
    const a = actual.columns.get(col.name)!;
    assert.equal(a.type, types[col.type], `${table.name}.${col.name}: type`);
    assert.equal(a.nullable, col.nullable, `${table.name}.${col.name}: nullable`);
  }
  assert.deepEqual(actual.primaryKey, table.primaryKey, `${table.name}: primary key`);
  assert.deepEqual(actual.unique.map((u) => u.join(',')).sort(), table.unique.map((u) => u.join(',')).sort(), `${table.name}: unique indexes`);
  assert.deepEqual(actual.indexes.map((u) => u.join(',')).sort(), table.indexes.map((u) => u.join(',')).sort(), `${table.name}: indexes`);
}

/** The same behaviour checks for both dialects, through the real Prisma client. */
async function behaves(db: ControlDb): Promise<void> {
  const now = new Date('2026-11-27T10:00:00.123Z');
  const userId = newId();
  await db.user.create({ data: { id: userId, email: 'a@example.com', passwordHash: 'h', passwordChangedAt: now, createdAt: now, updatedAt: now } });
  const err = await db.user.create({ data: { id: newId(), email: 'a@example.com', passwordHash: 'h', passwordChangedAt: now, createdAt: now, updatedAt: now } }).catch((e: unknown) => e);
  assert.deepEqual(uniqueViolation(err), ['email']);
  const missing = await db.user.update({ where: { id: 'nope' }, data: { email: 'x' } }).catch((e: unknown) => e);
  assert.ok(isRecordNotFound(missing));
  assert.equal(uniqueViolation(missing), undefined);
  await db.session.create({ data: { id: newId(), userId, tokenHash: 't1', createdAt: now, lastUsedAt: now, expiresAt: now, ip: '127.0.0.1', userAgent: 'test' } });
  const found = await db.user.findUniqueOrThrow({ where: { id: userId }, include: { sessions: true } });
  assert.equal(found.createdAt.toISOString(), now.toISOString(), 'dates keep milliseconds');
  assert.equal(found.sessions.length, 1);
  await db.user.delete({ where: { id: userId } });
  assert.equal(await db.session.count(), 0, 'sessions cascade with their user (foreign keys are on)');
}

describe('SQLite control database', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'burrow-db-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('migrations build exactly the tables of schema.prisma, once', async () => {
    const target: DatabaseTarget = { kind: 'sqlite', file: join(dir, 'control.db') };
    const first = await migrate(target);
    assert.ok(first.applied.length >= 1);
    const second = await migrate(target);
    assert.deepEqual(second.applied, []);
    assert.equal(second.alreadyApplied, first.applied.length);
    for (const table of expected) assertMatches(table, sqliteShape(target.file, table.name), SQLITE_TYPES);
  });

  test('two processes migrating at once apply each migration once', async () => {
    const target: DatabaseTarget = { kind: 'sqlite', file: join(dir, 'race.db') };
    const results = await Promise.all([migrate(target), migrate(target), migrate(target)]);
    const applied = results.flatMap((r) => r.applied).sort();
    assert.deepEqual(applied, readMigrationNames(defaultPrismaDir()), 'each migration applied exactly once');
  });

  test('an applied migration that was edited is refused', async () => {
    const prismaDir = join(dir, 'prisma');
    cpSync(defaultPrismaDir(), prismaDir, { recursive: true });
    const target: DatabaseTarget = { kind: 'sqlite', file: join(dir, 'edited.db') };
    await migrate(target, prismaDir);
    const [name] = readMigrationNames(prismaDir);
    writeFileSync(join(prismaDir, 'migrations', name, 'migration.sql'), readFileSync(join(prismaDir, 'migrations', name, 'migration.sql'), 'utf8') + '\n-- edited\n');
    await assert.rejects(migrate(target, prismaDir), /was changed after it was applied/);
  });

  test('a failing migration leaves nothing half-applied', async () => {
    const prismaDir = join(dir, 'prisma-bad');
    cpSync(defaultPrismaDir(), prismaDir, { recursive: true });
    mkdirSync(join(prismaDir, 'migrations', '29990101000000_bad'));
    writeFileSync(join(prismaDir, 'migrations', '29990101000000_bad', 'migration.sql'), 'CREATE TABLE "Half" (id TEXT);\nTHIS IS NOT SQL;');
    const target: DatabaseTarget = { kind: 'sqlite', file: join(dir, 'bad.db') };
    await assert.rejects(migrate(target, prismaDir));
    const db = new Database(target.file, { readonly: true });
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>).map((r) => r.name);
    db.close();
    assert.ok(!tables.includes('Half'));
  });

  test('the Prisma client reads and writes, maps P2002/P2025, cascades', async () => {
    const target: DatabaseTarget = { kind: 'sqlite', file: join(dir, 'client.db') };
    await migrate(target);
    const db = await openControlDb(target);
    try { await behaves(db); } finally { await db.$disconnect(); }
  });
});

describe('Postgres control database', () => {
  let pgServer: PostgresHandle;
  before(async () => { pgServer = await startPostgres(); });
  after(async () => { await pgServer?.stop(); });

  test('migrations build exactly the tables of schema.prisma, once', async () => {
    const target: DatabaseTarget = { kind: 'postgres', url: pgServer.url };
    const results = await Promise.all([migrate(target), migrate(target)]);
    const applied = results.flatMap((r) => r.applied).sort();
    assert.deepEqual(applied, readMigrationNames(join(defaultPrismaDir(), 'postgres')), 'the advisory lock serialises boots');
    for (const table of expected) assertMatches(table, await pgShape(pgServer.url, table.name), PG_TYPES);
  });

  test('the Prisma client reads and writes, maps P2002/P2025, cascades', async () => {
    const url = await pgServer.createDatabase('client_test');
    await migrate({ kind: 'postgres', url });
    const db = await openControlDb({ kind: 'postgres', url });
    try { await behaves(db); } finally { await db.$disconnect(); }
  });
});

function readMigrationNames(prismaDir: string): string[] {
  return readdirSync(join(prismaDir, 'migrations')).filter((n) => /^\d{14}_/.test(n)).sort();
}
