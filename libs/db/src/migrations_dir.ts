/** Reads the hand-written SQL migrations of one dialect from prisma/ (Prisma's folder layout). */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One migration: its folder name (`<timestamp>_<name>`), SQL and checksum. */
export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** The repository's prisma/ folder (libs/db/{src,dist} -> ../../../prisma). */
export function defaultPrismaDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'prisma');
}

/** Migrations of a dialect in name order: SQLite in prisma/migrations, Postgres in prisma/postgres/migrations. */
export function readMigrations(dialect: 'sqlite' | 'postgres', prismaDir = defaultPrismaDir()): Migration[] {
  const dir = dialect === 'sqlite' ? join(prismaDir, 'migrations') : join(prismaDir, 'postgres', 'migrations');
  if (!existsSync(dir)) throw new Error(`no migrations folder at ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^\d{14}_[a-z0-9_]+$/.test(e.name))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}
