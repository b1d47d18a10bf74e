/** The tenant's SQLite databases: data.db (replicable) and auxiliary.db (logs, never replicated). */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** A value better-sqlite3 can bind. */
export type SqlValue = string | number | bigint | null | Buffer;

/** A row as better-sqlite3 returns it. */
export type Row = Record<string, unknown>;

/** Where the databases live. */
export interface StoreOptions {
  /** Data directory (auxiliary.db, storage, backups...). */
  dataDir: string;
  /** Directory of data.db only (e.g. a LiteFS mount); defaults to dataDir. */
  dbDir?: string;
  /** Statements kept prepared per connection. */
  statementCacheSize?: number;
  /**
   * Another process reads data.db's WAL and checkpoints it (Litestream, for continuous backup):
   * this process then only checkpoints PASSIVE, which never waits for that reader (a TRUNCATE
   * waits the whole busy timeout for it, at every close).
   */
  sharedWal?: boolean;
  /** data.db is a LiteFS replica's: opened read-only, nothing written at open or close. */
  readOnlyData?: boolean;
}

const PRAGMAS = [
  // WAL lets readers proceed while a write commits; synchronous=NORMAL is PocketBase's choice:
  // a commit is durable once the WAL is synced at checkpoint, and a process crash (kill -9)
  // never loses an acknowledged write because the WAL is already in the OS page cache.
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'busy_timeout = 10000',
  'foreign_keys = ON',
  'temp_store = MEMORY',
  'cache_size = -32000',
  'journal_size_limit = 200000000',
];

/** The pragmas a read-only connection may set (the rest write to the database or its header). */
const READ_ONLY_PRAGMAS = ['busy_timeout = 10000', 'foreign_keys = ON', 'temp_store = MEMORY', 'cache_size = -32000'];

/** One SQLite connection with a bounded prepared-statement cache and transaction helpers. */
export class SqliteConnection {
  readonly db: Database.Database;
  private readonly cache = new Map<string, Database.Statement>();
  private readonly cacheSize: number;

  // One transaction wrapper for all callers: building one per call re-prepares BEGIN/COMMIT.
  private readonly runInTransaction: Database.Transaction<(fn: () => unknown) => unknown>;

  constructor(
    file: string,
    cacheSize = 500,
    /** TRUNCATE (the WAL file shrinks back) unless another process checkpoints this WAL too. */
    private readonly checkpointMode: 'TRUNCATE' | 'PASSIVE' = 'TRUNCATE',
    readonly readOnly = false,
  ) {
    this.db = new Database(file, { readonly: readOnly });
    for (const p of readOnly ? READ_ONLY_PRAGMAS : PRAGMAS) this.db.pragma(p);
    this.cacheSize = cacheSize;
    this.runInTransaction = this.db.transaction((fn: () => unknown) => fn());
  }

  /** A cached prepared statement for `sql`. */
  stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (s) return s;
    s = this.db.prepare(sql);
    if (this.cache.size >= this.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(sql, s);
    return s;
  }

  /** All rows of a query. */
  all<T = Row>(sql: string, params: readonly SqlValue[] = []): T[] {
    return this.stmt(sql).all(...params) as T[];
  }

  /** First row of a query, or undefined. */
  get<T = Row>(sql: string, params: readonly SqlValue[] = []): T | undefined {
    return this.stmt(sql).get(...params) as T | undefined;
  }

  /** Runs a statement that returns no rows. */
  run(sql: string, params: readonly SqlValue[] = []): Database.RunResult {
    return this.stmt(sql).run(...params);
  }

  /** Runs DDL or several statements (not cached, no params). */
  exec(sql: string): void {
    this.db.exec(sql);
  }

  /** Drops cached statements (after schema changes that may invalidate them). */
  clearCache(): void {
    this.cache.clear();
  }

  /** True while a transaction is open on this connection. */
  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  /**
   * Runs `fn` in a write transaction (BEGIN IMMEDIATE), or in a savepoint when one is already
   * open. `fn` must be synchronous: nothing else may run on the connection meanwhile.
   */
  write<T>(fn: () => T): T {
    return this.runInTransaction.immediate(fn) as T;
  }

  /** Runs `fn` in a deferred (read) transaction so that several reads see one snapshot. */
  read<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.runInTransaction.deferred(fn) as T;
  }

  /** Copies the WAL into the database (and, unless the WAL is shared, truncates it). */
  checkpoint(): void {
    this.db.pragma(`wal_checkpoint(${this.checkpointMode})`);
  }

  /** Closes the connection after a WAL checkpoint. */
  close(): void {
    if (!this.db.open) return;
    this.cache.clear();
    try {
      if (!this.readOnly) this.checkpoint();
    } catch {
      // A checkpoint can fail while another process reads; closing is still safe.
    }
    this.db.close();
  }
}

/** Both databases of one tenant. */
export class Store {
  readonly data: SqliteConnection;
  readonly aux: SqliteConnection;
  readonly dataDir: string;
  readonly dbDir: string;

  constructor(opts: StoreOptions) {
    this.dataDir = opts.dataDir;
    this.dbDir = opts.dbDir ?? opts.dataDir;
    mkdirSync(this.dataDir, { recursive: true });
    mkdirSync(this.dbDir, { recursive: true });
    this.data = new SqliteConnection(join(this.dbDir, 'data.db'), opts.statementCacheSize, opts.sharedWal ? 'PASSIVE' : 'TRUNCATE', opts.readOnlyData);
    this.aux = new SqliteConnection(join(this.dataDir, 'auxiliary.db'), opts.statementCacheSize);
  }

  /** Closes both databases cleanly. */
  close(): void {
    this.data.close();
    this.aux.close();
  }
}

/** Quotes an identifier for SQLite (names are validated before, this is defence in depth). */
export function quoteId(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}
