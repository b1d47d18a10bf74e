/**
 * The `process` driver: every instance is a detached `burrow-tenant serve` child process with
 * its own data dir, port and environment, supervised (crash restart with backoff) and found
 * again from its pid file after the platform restarts. With the `standby` option a start takes
 * a warm pre-started process from a pool instead of spawning one.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runBackupCommand } from '@burrow/backup/command';
import { importDatabase, isMounted, LiteFsNode, readLag, readPosition, readPrimary, unmountStale } from '@burrow/litefs';
import { listPresent } from '../list_present.js';
import { RuntimeError } from '../errors.js';
import { isInstanceId, parseInstanceId, type InstanceId } from '../instance_id.js';
import type {
  BackupOptions,
  Endpoint,
  InstanceRuntimeDriver,
  InstanceSpec,
  LiteFsNodeSpec,
  LogLine,
  LogOptions,
  ReplicationState,
  RuntimeInstance,
  RuntimeStatus,
  StateChange,
} from '../types.js';
import { validateSpec } from '../validate_spec.js';
import { InstanceSupervisor } from './instance_supervisor.js';
import { inLiteFs, instanceLayout, standbyDir } from './layout.js';
import { appendSystemLine, readLog } from './log_file.js';
import { resolveProcessOptions, type ProcessRuntimeOptions, type ResolvedProcessOptions } from './options.js';
import { StandbyPool } from './standby_pool.js';
import { runToEnd } from './run_to_end.js';

/** Work dirs of backups and restores whose process died (a killed worker): gone after an hour untouched. */
async function sweepStaleWork(runtimeDir: string): Promise<void> {
  const entries = await readdir(runtimeDir).catch(() => [] as string[]);
  for (const name of entries) {
    if (!/^(backup|restore)_work_/.test(name)) continue;
    const st = await stat(join(runtimeDir, name)).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > 3600_000) await rm(join(runtimeDir, name), { recursive: true, force: true });
  }
}

/** Lines `logs()` yields first when no `tail` is given. */
const DEFAULT_TAIL = 200;

/**
 * Runs tenants as child processes under `rootDir/<id>/`. Several runtimes (api, worker,
 * proxy processes of one host) may share a rootDir: the pid file and a per-instance lock
 * file keep them from double starts, and each follows the others' starts and stops.
 */
export class ProcessRuntime implements InstanceRuntimeDriver {
  private readonly opts: ResolvedProcessOptions;
  private readonly supervisors = new Map<InstanceId, InstanceSupervisor>();
  private readonly listeners = new Set<(change: StateChange) => void>();
  private readonly closing = new AbortController();
  private readonly pool: StandbyPool | undefined;

  /**
   * Validates the options. Nothing is read or spawned until the first call, except the warm
   * pool (`standby` > 0), which starts filling in the background at once.
   */
  constructor(options: ProcessRuntimeOptions) {
    this.opts = resolveProcessOptions(options);
    if (this.opts.standby > 0) {
      this.pool = new StandbyPool({
        size: this.opts.standby,
        dir: standbyDir(this.opts.rootDir),
        nodePath: this.opts.nodePath,
        tenantBin: this.opts.tenantBin,
        env: this.opts.baseEnv,
        spawn: this.opts.spawn,
        backoff: this.opts.backoff,
      });
      this.pool.refill();
    }
  }

  /** Starts the instance or returns the endpoint it already runs on; concurrent calls share one start. */
  async start(spec: InstanceSpec): Promise<Endpoint> {
    const id = parseInstanceId(spec.id);
    validateSpec(spec);
    return this.supervisor(id).start({ ...spec, id, env: { ...spec.env } });
  }

  /** SIGTERM to its process group, SIGKILL after graceMs (default from the options); no restart after. */
  async stop(id: InstanceId, opts: { graceMs?: number } = {}): Promise<void> {
    const valid = parseInstanceId(id);
    await this.supervisor(valid).stop(opts.graceMs ?? this.opts.graceMs);
  }

  /** Its current state (re-read from its pid file unless this runtime is acting on it). */
  async status(id: InstanceId): Promise<RuntimeStatus> {
    const sup = this.supervisor(parseInstanceId(id));
    await sup.sync();
    return sup.snapshot();
  }

  /**
   * Every instance folder under rootDir with its state: live recorded processes are adopted
   * (and supervised), stale pid files removed. Absent instances are left out.
   */
  async list(): Promise<RuntimeInstance[]> {
    let names: string[] = [];
    try {
      names = (await readdir(this.opts.rootDir, { withFileTypes: true }))
        .filter((e) => e.isDirectory() && isInstanceId(e.name))
        .map((e) => e.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const ids = new Set<InstanceId>([...names.map(parseInstanceId), ...this.supervisors.keys()]);
    return listPresent(ids, (id) => this.status(id));
  }

  /**
   * The log: the last `tail` lines (default 200), then with `follow` new lines until
   * `signal` aborts or the runtime closes. Tenant stdout and stderr share one file, so their
   * lines come as `stdout`; the runtime's own lines come as `system`.
   */
  async *logs(id: InstanceId, opts: LogOptions = {}): AsyncGenerator<LogLine> {
    const layout = instanceLayout(this.opts.rootDir, parseInstanceId(id));
    const signals = [this.closing.signal, ...(opts.signal ? [opts.signal] : [])];
    yield* readLog(layout.logFile, {
      tail: opts.tail ?? DEFAULT_TAIL,
      follow: opts.follow ?? false,
      signal: AbortSignal.any(signals),
      pollMs: this.opts.logPollMs,
    });
  }

  /** Stops it, then deletes `rootDir/<id>` (with keepVolume only `rootDir/<id>/runtime`). */
  async remove(id: InstanceId, opts: { keepVolume?: boolean } = {}): Promise<void> {
    const valid = parseInstanceId(id);
    const sup = this.supervisor(valid);
    await sup.stop(this.opts.graceMs);
    const layout = instanceLayout(this.opts.rootDir, valid);
    unmountStale(layout.litefsMount); // a killed LiteFS node's mount: never walk into it
    await rm(opts.keepVolume ? layout.runtimeDir : layout.instanceDir, { recursive: true, force: true });
    sup.forget(existsSync(layout.instanceDir) ? 'stopped' : 'absent');
  }

  async litefsImport(id: InstanceId, node: LiteFsNodeSpec): Promise<void> {
    const valid = parseInstanceId(id);
    const bin = this.opts.litefsBin;
    if (!bin) throw new RuntimeError('invalid_spec', 'this runtime has no LiteFS binary: replicated instances cannot run here');
    if (node.role !== 'primary') throw new RuntimeError('invalid_spec', 'a database is imported into the primary node');
    const layout = instanceLayout(this.opts.rootDir, valid);
    const state = (await this.status(valid)).state;
    if (state === 'running' || state === 'starting' || state === 'stopping') throw new RuntimeError('invalid_state', `instance ${id} is ${state}: stop it before its database moves into LiteFS`);
    // Imported (or created by a node) before: LiteFS holds the database now, never import again
    // (a plain file that appeared since, e.g. an admin sync of a stopped node, is not the data).
    if (inLiteFs(layout)) return;
    const plain = join(layout.dataDir, 'data.db');
    if (!existsSync(plain)) throw new RuntimeError('not_found', `instance ${id} has no database to import`);
    await mkdir(layout.runtimeDir, { recursive: true, mode: 0o700 });
    unmountStale(layout.litefsMount);
    const config = { role: 'primary' as const, mountDir: layout.litefsMount, dataDir: layout.litefsDataDir, httpAddr: `${this.opts.host}:${node.port}`, primaryHostname: node.primaryHostname, primaryUrl: node.primaryUrl };
    const importer = new LiteFsNode({ bin, configPath: layout.litefsConfig, config });
    try {
      await importer.start();
      await importDatabase(bin, importer.apiUrl, 'data.db', plain, join(layout.runtimeDir, 'litefs-import.db'));
    } catch (err) {
      throw new RuntimeError('start_failed', `moving ${id}'s database into LiteFS failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      await importer.stop();
    }
    // LiteFS holds the database now; the plain file (with its WAL, if a crash left one) stays out
    // of the data dir and its backups as the undo, never over an older undo.
    const undo = existsSync(join(layout.runtimeDir, 'pre-litefs-data.db')) ? `pre-litefs-data.${Date.now()}.db` : 'pre-litefs-data.db';
    for (const suffix of ['-wal', '-shm', '']) {
      if (existsSync(plain + suffix)) await rename(plain + suffix, join(layout.runtimeDir, undo + suffix));
    }
  }

  async replication(id: InstanceId): Promise<ReplicationState | undefined> {
    const mount = instanceLayout(this.opts.rootDir, parseInstanceId(id)).litefsMount;
    if (!isMounted(mount)) return undefined;
    const [position, lagMs, primary] = await Promise.all([readPosition(mount), readLag(mount), readPrimary(mount)]);
    // A mounted node whose position cannot be read (no database yet, a read that failed) is
    // still a node: transaction 0, so it is never taken for caught up.
    return { txid: position?.txid ?? 0, checksum: position?.checksum ?? '', lagMs: lagMs ?? 0, primary };
  }

  /**
   * Archives the instance's data dir with `burrow-tenant backup create` in a child process
   * (SQLite snapshots in one read transaction: a running tenant keeps serving and writing;
   * a sleeping or stopped one is not started). The work dir lives in the runtime state, out
   * of reach of the tenant's own temp sweeping.
   */
  async backup(id: InstanceId, out: string, opts: BackupOptions = {}): Promise<{ size: number }> {
    const layout = instanceLayout(this.opts.rootDir, parseInstanceId(id));
    if (!existsSync(layout.dataDir)) throw new RuntimeError('not_found', `instance ${id} has no data`);
    await sweepStaleWork(layout.runtimeDir);
    const work = join(layout.runtimeDir, `backup_work_${process.pid}_${Date.now()}`);
    const args = [this.opts.tenantBin, 'backup', 'create', '--dir', layout.dataDir, '--work', work, '--out', out];
    let databaseDir = opts.databaseDir;
    if (databaseDir === undefined && inLiteFs(layout)) {
      // A LiteFS primary's database is read through its mount, which exists while the node runs.
      if (!isMounted(layout.litefsMount)) throw new RuntimeError('invalid_state', `instance ${id} is replicated: its database (in LiteFS) is backed up while it runs`);
      databaseDir = layout.litefsMount;
    }
    if (databaseDir !== undefined) args.push('--db-dir', databaseDir);
    if (opts.store) args.push('--store');
    try {
      return await runBackupCommand(this.opts.nodePath, args, this.opts.baseEnv, { onProgress: opts.onProgress, signal: opts.signal });
    } catch (err) {
      throw new RuntimeError('backup_failed', `backup of ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /** Swaps a backup archive into a stopped instance's data dir with `burrow-tenant backup restore`. */
  async restore(id: InstanceId, archive: string, opts: BackupOptions = {}): Promise<void> {
    const valid = parseInstanceId(id);
    const layout = instanceLayout(this.opts.rootDir, valid);
    const state = (await this.status(valid)).state;
    if (state === 'running' || state === 'starting') throw new RuntimeError('invalid_state', `instance ${id} is ${state}: stop it before a restore`);
    if (inLiteFs(layout)) throw new RuntimeError('invalid_state', `instance ${id} is replicated: its database is in LiteFS, where a restore in place cannot go`);
    await mkdir(layout.dataDir, { recursive: true });
    await sweepStaleWork(layout.runtimeDir);
    const work = join(layout.runtimeDir, `restore_work_${process.pid}_${Date.now()}`);
    const args = [this.opts.tenantBin, 'backup', 'restore', '--dir', layout.dataDir, '--work', work, '--from', archive];
    try {
      await runBackupCommand(this.opts.nodePath, args, this.opts.baseEnv, opts);
    } catch (err) {
      throw new RuntimeError('backup_failed', `restore of ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    // Litestream's position belongs to the replaced file: without it, a new generation begins.
    // The swap is done: a failure here is only logged (Litestream notices the new file anyway).
    await rm(layout.litestreamMeta, { recursive: true, force: true }).catch((err: unknown) =>
      appendSystemLine(layout.logFile, `could not clear Litestream's state after a restore: ${err instanceof Error ? err.message : String(err)}`, new Date()).catch(() => undefined));
  }

  /** Runs `burrow-tenant <args> --dir <data dir>` in a child process (creating the data dir first). */
  async tenantCommand(id: InstanceId, args: string[], opts: { stdin?: string } = {}): Promise<string> {
    const layout = instanceLayout(this.opts.rootDir, parseInstanceId(id));
    await mkdir(layout.dataDir, { recursive: true });
    const r = await runToEnd(this.opts.nodePath, [this.opts.tenantBin, ...args, '--dir', layout.dataDir], this.opts.baseEnv, opts.stdin);
    if (r.code !== 0) throw new RuntimeError('command_failed', `burrow-tenant ${args[0] ?? ''} ${args[1] ?? ''} failed: ${r.stderr || `exit ${r.code}`}`);
    return r.stdout;
  }

  /** Calls `listener` on every state change of any instance; returns the unsubscribe function. */
  onStateChange(listener: (change: StateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stops supervising and ends log follows; running tenants keep running for the next runtime.
   * Unassigned standbys are ended (resolves once they are gone).
   */
  async close(): Promise<void> {
    this.closing.abort();
    for (const sup of this.supervisors.values()) sup.close();
    await this.pool?.close();
  }

  private supervisor(id: InstanceId): InstanceSupervisor {
    if (this.closing.signal.aborted) throw new RuntimeError('closed', 'the runtime is closed');
    let sup = this.supervisors.get(id);
    if (sup === undefined) {
      sup = new InstanceSupervisor(id, instanceLayout(this.opts.rootDir, id), this.opts, (c) => this.emit(c), this.pool);
      this.supervisors.set(id, sup);
    }
    return sup;
  }

  private emit(change: StateChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // A listener's bug must not break supervision.
      }
    }
  }
}

/** Checks the parts of a spec other than the id; throws RuntimeError `invalid_spec`. */
