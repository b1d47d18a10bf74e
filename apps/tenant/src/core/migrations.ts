/**
 * Migrations kept in git, as PocketBase's: `migrations/<timestamp>_<name>.js` (or `.mjs`, or
 * `.ts` when esbuild is installed) exporting `up(m)` and `down(m)`, applied in file-name order;
 * each one runs with its `_migrations` row in one transaction, so a failing migration changes
 * nothing. `m` is a MigrationContext: collections by their API JSON, and SQL.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TenantApp } from './app.js';
import { importCollections } from './collection_import.js';
import { collectionToJSON } from './collection_json.js';
import { deleteCollection } from './collection_save.js';
import type { SqlValue } from './store.js';

/** A migration file's name: a numeric timestamp, an underscore, a name; .js, .mjs or .ts. */
export const MIGRATION_FILE = /^(\d+)_([A-Za-z0-9_-]+)\.(js|mjs|ts)$/;

/** What a migration's up() and down() receive. */
export interface MigrationContext {
  /** The tenant (its collections, settings, records APIs). */
  app: TenantApp;
  /** Creates or replaces collections from their API JSON (as `PUT /api/collections/import`). */
  importCollections(collections: Array<Record<string, unknown>>, deleteMissing?: boolean): void;
  /** Deletes a collection by name or id (no-op when it does not exist). */
  deleteCollection(nameOrId: string): void;
  /** A collection's API JSON, or undefined. */
  collection(nameOrId: string): Record<string, unknown> | undefined;
  /** Runs one SQL statement with parameters on the data database. */
  exec(sql: string, ...params: SqlValue[]): void;
}

/** A loaded migration file. */
interface MigrationModule {
  up?: (m: MigrationContext) => unknown;
  down?: (m: MigrationContext) => unknown;
}

/** Thrown for a migration that cannot be loaded or fails; names the file. */
export class MigrationError extends Error {
  constructor(readonly file: string, message: string) {
    super(`migration ${file}: ${message}`);
  }
}

/** The migrations of one data directory. */
export class Migrations {
  /** True while a migration runs (automigrate ignores the changes it makes). */
  running = false;

  constructor(private readonly app: TenantApp, readonly dir: string) {}

  /** The migration files in order (none when the directory does not exist). */
  files(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir).filter((f) => MIGRATION_FILE.test(f)).sort(byTimestampThenName);
  }

  /** Applied files, oldest first. */
  applied(): string[] {
    return this.app.store.data.all<{ file: string }>('SELECT file FROM _migrations ORDER BY applied, file').map((r) => r.file);
  }

  /** Files not applied yet, in order. */
  pending(): string[] {
    const done = new Set(this.applied());
    return this.files().filter((f) => !done.has(f));
  }

  /** Applies every pending migration in order; returns the files applied. Stops at the first failure (nothing of it kept). */
  async up(): Promise<string[]> {
    const done: string[] = [];
    for (const file of this.pending()) {
      const mod = await this.load(file);
      if (typeof mod.up !== 'function') throw new MigrationError(file, 'it exports no up() function');
      this.run(file, mod.up, () => this.app.store.data.run('INSERT INTO _migrations (file, applied) VALUES (?, ?)', [file, Date.now() * 1000]));
      done.push(file);
    }
    return done;
  }

  /** Reverts the last `count` applied migrations, newest first; returns the files reverted. */
  async down(count = 1): Promise<string[]> {
    const done: string[] = [];
    for (const file of this.applied().reverse().slice(0, count)) {
      const mod = existsSync(join(this.dir, file)) ? await this.load(file) : undefined;
      if (!mod) throw new MigrationError(file, `it is applied but ${join(this.dir, file)} is missing`);
      const down = typeof mod.down === 'function' ? mod.down : () => undefined;
      this.run(file, down, () => this.app.store.data.run('DELETE FROM _migrations WHERE file = ?', [file]));
      done.push(file);
    }
    return done;
  }

  /** Records a file as applied without running it (a migration written from the current state). */
  markApplied(file: string): void {
    this.app.write(() => this.app.store.data.run('INSERT OR IGNORE INTO _migrations (file, applied) VALUES (?, ?)', [file, Date.now() * 1000]));
  }

  private run(file: string, fn: (m: MigrationContext) => unknown, record: () => void): void {
    this.running = true;
    try {
      this.app.write(() => {
        const result = fn(this.context());
        if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
          throw new Error('up() and down() must be synchronous (they run in one SQLite transaction)');
        }
        record();
      });
    } catch (err) {
      throw err instanceof MigrationError ? err : new MigrationError(file, describe(err));
    } finally {
      this.running = false;
    }
  }

  private context(): MigrationContext {
    const app = this.app;
    return {
      app,
      importCollections: (collections, deleteMissing = false) => importCollections(app, collections, deleteMissing),
      deleteCollection: (nameOrId) => {
        const c = app.collections.find(nameOrId);
        if (c) deleteCollection(app, c);
      },
      collection: (nameOrId) => {
        const c = app.collections.find(nameOrId);
        return c ? collectionToJSON(c) : undefined;
      },
      exec: (sql, ...params) => void app.store.data.run(sql, params),
    };
  }

  private async load(file: string): Promise<MigrationModule> {
    const path = join(this.dir, file);
    try {
      if (!file.endsWith('.ts')) return (await import(`${pathToFileURL(path).href}?t=${Date.now()}`)) as MigrationModule;
      return await importTypeScript(path);
    } catch (err) {
      throw new MigrationError(file, `cannot be loaded: ${describe(err)}`);
    }
  }
}

/** Loads a .ts migration through esbuild's transform (an optional dependency; a clear error without it). */
async function importTypeScript(path: string): Promise<MigrationModule> {
  let transform: (code: string, opts: Record<string, unknown>) => Promise<{ code: string }>;
  try {
    const esbuild = 'esbuild'; // a variable: bundlers must not pull the compiler into the tenant
    ({ transform } = (await import(esbuild)) as { transform: typeof transform });
  } catch {
    throw new Error('TypeScript migrations need the esbuild package (npm install esbuild), or write them in JavaScript');
  }
  const { code } = await transform(await readFile(path, 'utf8'), { loader: 'ts', format: 'esm', sourcefile: path });
  const dir = await mkdtemp(join(tmpdir(), 'burrow-migration-'));
  try {
    const out = join(dir, 'migration.mjs');
    await writeFile(out, code);
    return (await import(pathToFileURL(out).href)) as MigrationModule;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function byTimestampThenName(a: string, b: string): number {
  const ta = BigInt(MIGRATION_FILE.exec(a)?.[1] ?? '0');
  const tb = BigInt(MIGRATION_FILE.exec(b)?.[1] ?? '0');
  return ta === tb ? a.localeCompare(b) : ta < tb ? -1 : 1;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const data = (err as { data?: unknown }).data;
    return data && typeof data === 'object' && Object.keys(data).length ? `${err.message} ${JSON.stringify(data)}` : err.message;
  }
  return String(err);
}
