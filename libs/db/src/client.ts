/** Builds the Prisma client of the control database for the configured dialect. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { PlatformConfig } from '@burrow/config';
import { PrismaClient as SqliteClient } from './generated/sqlite/client.js';
import { PrismaClient as PostgresClient } from './generated/postgres/client.js';

/**
 * The control database client. Both generated clients come from the same models, so their
 * query API is identical; the SQLite one's type stands for both.
 */
export type ControlDb = SqliteClient;

/** Where the control database lives (PlatformConfig['database']). */
export type DatabaseTarget = PlatformConfig['database'];

/** Opens the control database; call `$disconnect()` when done. Migrations are separate (see migrator). */
export async function openControlDb(target: DatabaseTarget): Promise<ControlDb> {
  if (target.kind === 'sqlite') {
    mkdirSync(dirname(target.file), { recursive: true });
    const client = new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: target.file, timeout: 10_000 }, { timestampFormat: 'unixepoch-ms' }) });
    // SQLite leaves foreign keys off per connection; the schema's cascades depend on them.
    await client.$executeRawUnsafe('PRAGMA foreign_keys = ON');
    return client;
  }
  const client = new PostgresClient({ adapter: new PrismaPg({ connectionString: target.url, max: 10 }) });
  // The two clients are generated from one schema; only the provider differs.
  return client as unknown as ControlDb;
}
