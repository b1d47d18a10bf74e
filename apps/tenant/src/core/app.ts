/**
 * TenantApp: everything one tenant needs, built from its data directory. No module-level
 * state: one process can host several apps (and tests build many).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { deleteExpired } from './auth_sessions.js';
import { Backups } from './backups.js';
import { initialCollections } from './collection_defaults.js';
import { createCollectionSchema } from './collection_schema.js';
import { CollectionRegistry } from './collections.js';
import { Cron } from './cron.js';
import { FileStorage } from './file_storage.js';
import { Hooks } from './hooks.js';
import { LogLevel, Logs } from './logs.js';
import { bindInstallerCleanup } from './installer.js';
import { SmtpTransport, type MailTransport } from './mailer.js';
import { bindAutomigrate } from './migration_files.js';
import { Migrations } from './migrations.js';
import { SettingsStore } from './settings.js';
import { isLiteFsMount, LiteFsNodeState } from './litefs_node.js';
import { Store } from './store.js';
import { ensureAuxTables, ensureSystemTables } from './system_schema.js';

/** How often a replica looks for the primary's changes to its caches, at most (ms). */
const REPLICA_SYNC_MS = 20;

/** How to open a tenant. */
export interface TenantAppOptions {
  /** Data directory (everything but data.db when dbDir is set). */
  dir: string;
  /** Directory of data.db (e.g. a LiteFS mount). */
  dbDir?: string;
  /** Development mode: verbose errors in logs, and automigrate (collection changes write migrations). */
  dev?: boolean;
  /** Where migrations live (default: `migrations/` in the data directory, DESIGN.md §3). */
  migrationsDir?: string;
  /** Clock, injectable for tests. */
  now?: () => Date;
  /** Litestream replicates data.db: it checkpoints, this process never waits for it (see StoreOptions). */
  sharedWal?: boolean;
}

interface PendingCallbacks {
  success: Array<() => void>;
  error: Array<(err: unknown) => void>;
}

/** One tenant: its databases, collections, settings and hooks. */
export class TenantApp {
  readonly store: Store;
  readonly hooks = new Hooks();
  readonly collections: CollectionRegistry;
  readonly settings: SettingsStore;
  readonly files: FileStorage;
  /** The instance's own backup archives (`backups/`). */
  readonly backups: Backups;
  /** Request and app logs (auxiliary.db). */
  readonly logs: Logs;
  /** Cron jobs; the ticker runs once `cron.start()` was called (the serve command does). */
  readonly cron: Cron;
  /** Sends email (SMTP from the settings by default; replaceable, e.g. by tests). */
  mailer: MailTransport;
  /** The migrations kept beside the data (`migrate up|down`; applied by `serve` at start). */
  readonly migrations: Migrations;
  readonly dataDir: string;
  /** Set when data.db lives on a LiteFS mount: this node's role and position. */
  readonly litefs: LiteFsNodeState | undefined;
  readonly dev: boolean;
  readonly now: () => Date;
  private pending: PendingCallbacks | null = null;

  private constructor(opts: TenantAppOptions) {
    this.dataDir = opts.dir;
    this.dev = Boolean(opts.dev);
    this.now = opts.now ?? (() => new Date());
    this.litefs = opts.dbDir && isLiteFsMount(opts.dbDir) ? new LiteFsNodeState(opts.dbDir) : undefined;
    const replica = this.litefs !== undefined && !this.litefs.isPrimary;
    this.store = new Store({ dataDir: opts.dir, dbDir: opts.dbDir, sharedWal: opts.sharedWal, readOnlyData: replica });
    for (const sub of ['storage', 'backups']) mkdirSync(join(opts.dir, sub), { recursive: true });
    this.files = new FileStorage(opts.dir);
    this.backups = new Backups(opts.dir, opts.dbDir);
    // Uploads older than a day were left by a process that died mid-request.
    this.files.sweepUploads(24 * 3600_000);
    ensureAuxTables(this.store.aux);
    this.collections = new CollectionRegistry(this.store.data);
    // A replica's database is the primary's, already initialised (the replica is started once caught up).
    if (!replica) {
      this.store.data.write(() => {
        if (ensureSystemTables(this.store.data)) {
          for (const c of initialCollections()) {
            createCollectionSchema(this.store.data, c);
            this.collections.persist(c, true);
          }
        }
      });
    }
    this.collections.load();
    this.settings = new SettingsStore(this.store.data);
    this.logs = new Logs(this.store.aux, () => this.settings.get().logs, this.now);
    this.cron = new Cron((err, id) => this.logs.add(LogLevel.error, `Cron job ${id} failed`, { error: err instanceof Error ? err.message : String(err) }), this.now);
    this.mailer = new SmtpTransport(() => this.settings.get().smtp);
    this.addSystemJobs(replica);
    this.hooks.onAsyncError = (name, err) => this.logs.add(LogLevel.error, `An async ${name} handler failed after e.next()`, { error: err instanceof Error ? err.message : String(err) });
    bindInstallerCleanup(this);
    this.migrations = new Migrations(this, opts.migrationsDir ?? join(opts.dir, 'migrations'));
    if (this.dev) bindAutomigrate(this, this.migrations);
  }

  // PocketBase's built-in jobs (same ids and schedules); a replica only cleans its own logs.
  private addSystemJobs(replica: boolean): void {
    this.cron.add('__pbLogsCleanup__', '0 */6 * * *', () => this.logs.cleanup());
    if (replica) return;
    this.cron.add('__pbMFACleanup__', '0 * * * *', () => void deleteExpired(this, '_mfas'));
    this.cron.add('__pbOTPCleanup__', '0 * * * *', () => void deleteExpired(this, '_otps'));
    this.cron.add('__pbDBOptimize__', '0 0 * * *', () => {
      for (const conn of [this.store.data, this.store.aux]) {
        conn.checkpoint();
        conn.db.exec('PRAGMA optimize');
      }
    });
  }

  /** True on a LiteFS replica: data.db is read-only here, writes go to the primary. */
  get isReplica(): boolean {
    return this.litefs !== undefined && !this.litefs.isPrimary;
  }

  /**
   * On a replica, picks up what the primary changed since the last call: the collections and
   * settings caches are reloaded when their rows changed (cheap checks, run only when the
   * transaction number moved). Called before each request; looks at most every
   * REPLICA_SYNC_MS unless `force` (a client waiting for its own write forces it).
   */
  syncReplicaCaches(force = false): void {
    const litefs = this.litefs;
    if (!litefs || litefs.isPrimary) return;
    // The position is a FUSE read served by LiteFS: under load, looked at every few ms, not per request.
    const now = performance.now();
    if (!force && now - this.syncedAt < REPLICA_SYNC_MS) return;
    this.syncedAt = now;
    const tx = litefs.txNumberSync();
    if (tx === this.seenTx) return;
    this.seenTx = tx;
    const row = this.store.data.get<{ c: string; p: string; v: number }>(
      "SELECT (SELECT count(*) || '/' || ifnull(max(updated), '') FROM `_collections`) AS c, (SELECT count(*) || '/' || ifnull(max(updated), '') FROM `_params`) AS p, (SELECT schema_version FROM pragma_schema_version) AS v",
    );
    if (!row) return;
    const collections = `${row.c}|${row.v}`;
    if (collections !== this.seenCollections) {
      this.store.data.clearCache();
      this.collections.load();
      this.seenCollections = collections;
    }
    if (row.p !== this.seenParams) {
      this.settings.reload();
      this.seenParams = row.p;
    }
  }

  /** The last transaction a replica's caches were synced at (-1 before the first request). */
  get replicaSeenTx(): number {
    return this.seenTx;
  }

  private seenTx = -1;
  private syncedAt = Number.NEGATIVE_INFINITY;
  private seenCollections: string | undefined;
  private seenParams: string | undefined;

  /** Opens (and on first use initialises) a tenant data directory. */
  static open(opts: TenantAppOptions): TenantApp {
    return new TenantApp(opts);
  }

  /**
   * Runs `fn` in one write transaction (a savepoint when nested). Callbacks registered with
   * afterCommit run once the outermost transaction commits; on rollback the in-memory caches
   * are reloaded so they never show uncommitted state.
   */
  write<T>(fn: () => T): T {
    if (this.pending) return this.store.data.write(fn);
    const pending: PendingCallbacks = { success: [], error: [] };
    this.pending = pending;
    try {
      const result = this.store.data.write(fn);
      this.pending = null;
      for (const cb of pending.success) cb();
      return result;
    } catch (err) {
      this.pending = null;
      this.collections.load();
      this.settings.reload();
      this.store.data.clearCache();
      for (const cb of pending.error) cb(err);
      throw err;
    }
  }

  /** Runs `fn` in a read snapshot. */
  read<T>(fn: () => T): T {
    return this.store.data.read(fn);
  }

  /** Queues `onSuccess` after the current transaction commits (now when none is open). */
  afterCommit(onSuccess: () => void, onError?: (err: unknown) => void): void {
    if (!this.pending) {
      onSuccess();
      return;
    }
    this.pending.success.push(onSuccess);
    if (onError) this.pending.error.push(onError);
  }

  /** Stops the cron, writes pending logs and closes the databases. */
  close(): void {
    this.cron.stop();
    if (this.mailer instanceof SmtpTransport) this.mailer.close();
    this.logs.flush();
    this.store.close();
  }
}
