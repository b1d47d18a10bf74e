/**
 * One instance under the process driver: its state machine (start, stop, crash restart with
 * backoff, failed), the process it runs (spawned here, or found through the pid file: after a
 * platform restart, or spawned by another runtime sharing the root) and the events it reports.
 * The pid file is the shared truth: an exit is a crash only while it still records that pid
 * without the `stopping` mark that every stop() writes before its SIGTERM.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { mountArgs, unmountStale, writeNodeConfig } from '@burrow/litefs';
import { endRecordedReplicator, renderConfig } from '@burrow/litestream';
import { RuntimeError } from '../errors.js';
import { sleep } from '../sleep.js';
import type { InstanceId } from '../instance_id.js';
import type { Endpoint, ExitInfo, InstanceSpec, RuntimeState, RuntimeStatus, StateChange } from '../types.js';
import { tenantEnv } from './env.js';
import { withInstanceLock } from './instance_lock.js';
import { inLiteFs, instanceLayout, type InstanceLayout } from './layout.js';
import { appendSystemLine, fileSize, lastLines } from './log_file.js';
import type { ResolvedProcessOptions } from './options.js';
import { isRecordedProcess, markStopping, pidFileStamp, readPidFile, removePidFile, removeStalePidFile, type PidRecord } from './pid_file.js';
import { pidGone, terminate, watchPid, type ProcessExit } from './process_exit.js';
import { spawnTenant } from './spawn_tenant.js';
import type { StandbySource } from './standby_pool.js';
import { readSpecFile, writeSpecFile } from './spec_file.js';

/** The process an instance currently runs. */
interface RunningProcess {
  record: PidRecord;
  endpoint: Endpoint;
  exited: Promise<ProcessExit>;
  /** Not our child (adopted or joined): watched by polling, exit code unknown. */
  adopted: boolean;
  /** Stops the liveness poll of an adopted process. */
  dispose(): void;
  /** Adopted processes: checks liveness at once rather than at the next poll. */
  checkNow?: () => void;
}

/** How long status() waits for a process that another runtime is stopping. */
const EXIT_WAIT_MS = 3_000;

/** How long a stop waits for the tenant's Litestream to finish its final sync (the tenant waits as long). */
const LITESTREAM_FINAL_SYNC_MS = 30_000;

/** Log lines quoted in a failure reason. */
const REASON_TAIL_LINES = 20;
/** Poll interval while waiting for an adopted process to exit after a signal. */
const STOP_POLL_MS = 50;

const ignore = (): void => undefined;

/** Supervises one instance; the ProcessRuntime keeps one per id. */
export class InstanceSupervisor {
  private state: RuntimeState = 'absent';
  private proc: RunningProcess | undefined;
  private spec: InstanceSpec | undefined;
  private restarts = 0;
  private reason: string | undefined;
  private lastExit: ExitInfo | undefined;
  private crashTimes: number[] = [];
  private starting: Promise<Endpoint> | undefined;
  private startAbort: AbortController | undefined;
  private stopping: Promise<void> | undefined;
  private stopRequested = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private judgingExit = false;
  /** The judgement of an exit of the held process (crash or another runtime's stop) in progress. */
  private judging: Promise<void> | undefined;
  private syncing: Promise<void> | undefined;
  /** pidFileStamp of the pid file when it was last found to record the process we hold. */
  private heldStamp: string | undefined;
  private closed = false;
  /** Bumped by every explicit start/stop: async crash handling of an older epoch gives up. */
  private epoch = 0;

  /** Supervises `id`; nothing is read until the first call. */
  constructor(
    private readonly id: InstanceId,
    private readonly layout: InstanceLayout,
    private readonly opts: ResolvedProcessOptions,
    private readonly emit: (change: StateChange) => void,
    /** The runtime's warm pool, when it keeps one: starts and crash restarts take from it. */
    private readonly standbys: StandbySource | undefined,
  ) {}

  /** The current status (call `sync()` first for a fresh view). */
  snapshot(): RuntimeStatus {
    const s: RuntimeStatus = { state: this.state, restarts: this.restarts };
    if (this.proc && (this.state === 'running' || this.state === 'stopping')) {
      s.endpoint = { ...this.proc.endpoint };
      s.pid = this.proc.record.pid;
      s.startedAt = this.proc.record.startedAt;
    }
    if (this.reason !== undefined) s.reason = this.reason;
    if (this.lastExit !== undefined) s.lastExit = { ...this.lastExit };
    return s;
  }

  /**
   * When idle, takes the state from disk: adopts a live recorded process (after a restart,
   * or one another runtime started), removes a stale pid file, notices a removed instance.
   */
  sync(): Promise<void> {
    // A process we hold is re-checked too: another runtime on this root may have stopped or
    // replaced it (power off/on by the worker while the proxy holds the old one).
    // An exit being judged (crash, or another runtime's stop): answer once it is, not with the
    // "running" of the process that just ended.
    if (this.judging) return this.judging.then(() => this.sync());
    if (this.starting || this.stopping || this.restartTimer || this.judgingExit) return Promise.resolve();
    // Unchanged pid file: the process we hold is still the recorded one (one stat, no read).
    if (this.proc && this.heldStamp !== undefined && pidFileStamp(this.layout.pidFile) === this.heldStamp) return Promise.resolve();
    this.syncing ??= this.syncFromDisk().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  /** Starts (or joins the start in progress, or returns the running endpoint). */
  async start(spec: InstanceSpec): Promise<Endpoint> {
    await this.sync();
    if (this.stopping) await this.stopping.catch(ignore);
    this.assertOpen();
    if (this.state === 'running' && this.proc) return { ...this.proc.endpoint };
    if (this.starting) return this.starting;
    // Stopped, failed, absent, or waiting out a crash backoff: an explicit start resets the count.
    this.clearRestartTimer();
    this.epoch++;
    this.crashTimes = [];
    this.restarts = 0;
    this.reason = undefined;
    this.spec = spec;
    return this.launch(this.epoch, spec, undefined);
  }

  /** Stops gracefully; a no-op when nothing runs. */
  async stop(graceMs: number): Promise<void> {
    await this.sync();
    if (this.stopping) return this.stopping;
    if (!this.busy() && this.state !== 'failed' && this.state !== 'starting') return;
    this.stopping = this.stopNow(graceMs).finally(() => {
      this.stopping = undefined;
      this.stopRequested = false;
    });
    return this.stopping;
  }

  /** After `remove`: forgets everything and takes the state of what is left on disk. */
  forget(state: 'absent' | 'stopped'): void {
    this.spec = undefined;
    this.reason = undefined;
    this.lastExit = undefined;
    this.restarts = 0;
    this.crashTimes = [];
    this.setState(state);
  }

  /** Stops timers and watchers without touching the process. */
  close(): void {
    this.closed = true;
    this.clearRestartTimer();
    this.proc?.dispose();
  }

  private busy(): boolean {
    return Boolean(this.proc || this.starting || this.stopping || this.restartTimer || this.judgingExit);
  }

  private async syncFromDisk(): Promise<void> {
    const stamp = pidFileStamp(this.layout.pidFile);
    const record = await readPidFile(this.layout.pidFile);
    const held = this.proc;
    // Our process is still the recorded one: remember this version of the file for sync()'s fast path.
    if (held && record !== undefined && record.pid === held.record.pid && !record.stopping) {
      this.heldStamp = stamp;
      return;
    }
    this.heldStamp = undefined;
    const live = record !== undefined && (await isRecordedProcess(record));
    const spec = await readSpecFile(this.layout.specFile);
    const proc = this.proc;
    if (proc && !this.starting && !this.stopping && !this.closed) {
      // Another runtime on this root is stopping (or has stopped) our process: its exit is
      // imminent, so wait for it (bounded) instead of reporting a stale "running".
      const ours = record !== undefined && record.pid === proc.record.pid && !record.stopping;
      if (!ours) {
        proc.checkNow?.();
        // A referenced timer: the caller awaits this answer, so the wait must keep the process
        // up (an unreferenced one let a script or test end mid-status, under load).
        const waited = new AbortController();
        await Promise.race([proc.exited, sleep(EXIT_WAIT_MS, waited.signal)]);
        waited.abort();
      }
    }
    if (this.proc || this.starting || this.stopping || this.restartTimer || this.closed) return;
    this.spec = spec ?? this.spec;
    if (record !== undefined && live && !record.stopping) {
      const watch = watchPid(record.pid, this.opts.livenessPollMs);
      const url = `http://${record.host}:${record.port}`;
      this.adoptProcess({ record, endpoint: { host: record.host, port: record.port, url }, exited: watch.exited, adopted: true, dispose: watch.dispose, checkNow: watch.checkNow });
      this.reason = undefined;
      this.setState('running', true); // also when it was running before: the process changed
      return;
    }
    if (!live && existsSync(this.layout.pidFile)) {
      // Re-checked under the lock: another runtime may have started a process since the read.
      const removed = await withInstanceLock(this.layout.lockFile, () => removeStalePidFile(this.layout.pidFile, record));
      if (!removed) return this.syncFromDisk();
      await this.log(`removed stale pid file${record ? ` (pid ${record.pid} is gone or runs something else)` : ''}`);
    }
    const onDisk = existsSync(this.layout.instanceDir) ? 'stopped' : 'absent';
    if (!(this.state === 'failed' && onDisk === 'stopped')) this.setState(onDisk);
  }

  /** Removes the pid file if it still records `pid`, holding the lock against a concurrent start. */
  private removePidFile(pid: number): Promise<void> {
    return withInstanceLock(this.layout.lockFile, () => removePidFile(this.layout.pidFile, pid));
  }

  private adoptProcess(proc: RunningProcess): void {
    this.proc = proc;
    this.heldStamp = undefined;
    void proc.exited.then((exit) => this.onExit(proc, exit));
  }

  /**
   * One spawn + health wait. `restart` is set for crash restarts (with the port to reuse, so
   * the endpoint stays put): their failure counts as one more crash instead of failing.
   */
  private launch(epoch: number, spec: InstanceSpec, restart: { port?: number } | undefined): Promise<Endpoint> {
    const abort = new AbortController();
    this.startAbort = abort;
    this.setState('starting');
    const run = async (): Promise<Endpoint> => {
      try {
        if (restart === undefined) await writeSpec(this.layout, spec);
        const extraArgs = await writeLitestreamConfig(this.layout, spec);
        if (!spec.litefs && inLiteFs(this.layout)) {
          // Started as a plain tenant, it would create an empty database beside the real one.
          throw new RuntimeError('invalid_spec', `the database of ${this.id} is in LiteFS: it starts as a LiteFS node only`);
        }
        const litefs = await writeLiteFsConfig(this.layout, spec, this.opts.litefsBin, this.opts.host);
        if (litefs) extraArgs.push('--db-dir', this.layout.litefsMount);
        // A replica runs the app's code as deployed on its primary (hooks that guard reads, routes).
        if (spec.litefs?.role === 'replica') extraArgs.push('--hooks', join(instanceLayout(this.opts.rootDir, spec.litefs.primaryId).dataDir, 'hooks'));
        const spawned = await spawnTenant({
          layout: this.layout,
          nodePath: this.opts.nodePath,
          tenantBin: this.opts.tenantBin,
          host: this.opts.host,
          env: tenantEnv(this.opts.baseEnv, this.layout.instanceDir, spec.env),
          preferredPort: restart?.port,
          pickPort: this.opts.pickPort,
          spawn: this.opts.spawn,
          // A new replica first receives the whole database from its primary: more time to answer.
          healthTimeoutMs: litefs ? Math.max(this.opts.healthTimeoutMs, LITEFS_HEALTH_TIMEOUT_MS) : this.opts.healthTimeoutMs,
          killGraceMs: Math.min(this.opts.graceMs, 5_000),
          maxLogBytes: this.opts.maxLogBytes,
          livenessPollMs: this.opts.livenessPollMs,
          now: () => new Date(this.opts.clock.now()),
          signal: abort.signal,
          // A standby is a bare tenant: a LiteFS node's tenant must start under its mount.
          standbys: litefs ? undefined : this.standbys,
          extraArgs,
          wrapper: litefs,
          // Under the instance lock, once no live node is recorded: a killed node's mount answers
          // ENOTCONN to everything, and a live one (another runtime's restart) is never touched.
          prepare: litefs ? () => unmountStale(this.layout.litefsMount) : undefined,
        });
        const { endpoint, exited, joined, dispose, checkNow, ...record } = spawned;
        this.adoptProcess({ record, endpoint, exited, adopted: joined, dispose, checkNow });
        if (epoch === this.epoch && !this.stopRequested) this.setState('running');
        return { ...endpoint };
      } catch (err) {
        if (abort.signal.aborted || epoch !== this.epoch || this.closed) throw err;
        if (restart !== undefined) {
          const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
          await appendSystemLine(this.layout.logFile, `restart failed: ${why}`, new Date(this.opts.clock.now())).catch(() => undefined);
          void this.afterCrash(epoch); // a restart that failed is one more crash
        } else {
          this.reason = err instanceof Error ? err.message : String(err);
          this.setState('failed');
        }
        throw err;
      } finally {
        this.starting = undefined;
        this.startAbort = undefined;
      }
    };
    this.starting = run();
    return this.starting;
  }

  private onExit(proc: RunningProcess, exit: ProcessExit): void {
    if (this.proc !== proc) return;
    this.proc = undefined;
    proc.dispose();
    this.lastExit = { ...exit, at: new Date(this.opts.clock.now()).toISOString() };
    if (this.closed || this.stopRequested) return;
    this.judgingExit = true;
    const pid = proc.record.pid;
    const judging: Promise<void> = this.judgeExit(this.epoch, proc.record, exit)
      .catch((err: unknown) => this.log(`could not judge the exit of pid ${pid}: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        if (this.judging !== judging) return; // a later exit is being judged
        this.judgingExit = false;
        this.judging = undefined;
      });
    this.judging = judging;
  }

  /** A crash if the pid file still records this process unmarked; else another runtime acted. */
  private async judgeExit(epoch: number, gone: PidRecord, exit: ProcessExit): Promise<void> {
    const record = await readPidFile(this.layout.pidFile);
    if (epoch !== this.epoch || this.closed) return;
    if (record?.pid === gone.pid && !record.stopping) {
      // The pid file stays until the restart replaces it, so other runtimes judge it a crash too.
      await this.log(`pid ${gone.pid} exited unexpectedly (code ${exit.code}, signal ${exit.signal})`);
      await this.afterCrash(epoch, gone.port);
      return;
    }
    this.judgingExit = false;
    await this.syncFromDisk(); // stopped, or already restarted, by another runtime
  }

  /** Counts a crash: schedules a restart with backoff, or marks the instance failed. */
  private async afterCrash(epoch: number, port?: number): Promise<void> {
    if (epoch !== this.epoch || this.closed) return;
    const now = this.opts.clock.now();
    const { count, windowMs } = this.opts.maxCrashes;
    this.crashTimes = this.crashTimes.filter((t) => now - t < windowMs);
    this.crashTimes.push(now);
    const crashes = this.crashTimes.length;
    const spec = this.spec;
    if (crashes >= count || spec === undefined) {
      const why = spec === undefined ? 'crashed and its spec.json is missing' : `crashed ${crashes} times within ${windowMs} ms`;
      const tail = await lastLines(this.layout.logFile, await fileSize(this.layout.logFile), REASON_TAIL_LINES).catch(() => []);
      if (epoch !== this.epoch || this.closed) return;
      await this.log(`failed: ${why}; not restarting`);
      const dead = await readPidFile(this.layout.pidFile);
      if (dead !== undefined && !(await isRecordedProcess(dead))) await this.removePidFile(dead.pid);
      this.reason = `${why}; last log lines:\n${tail.join('\n')}`;
      this.setState('failed');
      return;
    }
    const delay = Math.min(this.opts.backoff.maxMs, this.opts.backoff.initialMs * 2 ** (crashes - 1));
    await this.log(`restarting in ${delay} ms (crash ${crashes} of ${count} allowed within ${windowMs} ms)`);
    if (epoch !== this.epoch || this.closed) return;
    this.setState('starting');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (epoch !== this.epoch || this.closed) return;
      this.restarts++;
      this.launch(epoch, spec, { port }).catch(ignore);
    }, delay);
    this.restartTimer.unref();
  }

  private async stopNow(graceMs: number): Promise<void> {
    this.stopRequested = true;
    this.epoch++;
    this.clearRestartTimer();
    if (this.starting) {
      this.startAbort?.abort();
      await this.starting.catch(ignore);
    }
    const proc = this.proc;
    if (proc) {
      const pid = proc.record.pid;
      this.setState('stopping');
      await this.log(`stopping pid ${pid} (SIGTERM, SIGKILL after ${graceMs} ms)`);
      // Tell other runtimes watching this pid that the exit is wanted.
      await withInstanceLock(this.layout.lockFile, () => markStopping(this.layout.pidFile, pid)).catch(ignore);
      const fast = new AbortController();
      const exited = proc.adopted ? Promise.race([proc.exited, pidGone(pid, STOP_POLL_MS, fast.signal)]) : proc.exited;
      const exit = await terminate(pid, exited, graceMs);
      fast.abort();
      if (exit === undefined) {
        this.reason = `pid ${pid} did not exit after SIGKILL`;
        this.setState('failed');
        throw new RuntimeError('stop_failed', this.reason);
      }
      if (this.proc === proc) {
        this.proc = undefined;
        proc.dispose();
      }
      this.lastExit = { ...exit, at: new Date(this.opts.clock.now()).toISOString() };
      // Its Litestream (own process group) ships the last writes after the tenant closed: a stop
      // returns once that is done, so a backup, restore or point in time that follows sees them.
      const replicator = await endRecordedReplicator(this.layout.litestreamConfig, LITESTREAM_FINAL_SYNC_MS);
      if (replicator?.killed) await this.log(`litestream pid ${replicator.pid} did not finish its final sync in ${LITESTREAM_FINAL_SYNC_MS} ms; killed`);
      await this.removePidFile(pid);
      await this.log(`pid ${pid} stopped (code ${exit.code}, signal ${exit.signal})`);
    }
    this.reason = undefined;
    this.setState('stopped');
  }

  private setState(next: RuntimeState, always = false): void {
    if (next === this.state && !always) return;
    const from = this.state;
    this.state = next;
    this.emit({ id: this.id, from, status: this.snapshot() });
  }

  private clearRestartTimer(): void {
    if (this.restartTimer !== undefined) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private assertOpen(): void {
    if (this.closed) throw new RuntimeError('closed', 'the runtime is closed');
  }

  private async log(text: string): Promise<void> {
    if (!existsSync(this.layout.runtimeDir)) return;
    await appendSystemLine(this.layout.logFile, text, new Date(this.opts.clock.now())).catch(ignore);
  }
}

/** Persists the spec before a start so a later runtime can restart an adopted instance. */
async function writeSpec(layout: InstanceLayout, spec: InstanceSpec): Promise<void> {
  await mkdir(layout.runtimeDir, { recursive: true, mode: 0o700 });
  await writeSpecFile(layout.specFile, spec);
}

/** How long a LiteFS node may take to answer (its first sync carries the whole database). */
const LITEFS_HEALTH_TIMEOUT_MS = 120_000;

/**
 * Writes the LiteFS node's litefs.yml when the spec asks for one (removes it otherwise) and
 * returns the `litefs mount ... --` the tenant runs under. LiteFS detaches a mount a killed
 * node left at its mount point by itself.
 */
async function writeLiteFsConfig(layout: InstanceLayout, spec: InstanceSpec, bin: string | undefined, host: string): Promise<string[] | undefined> {
  const node = spec.litefs;
  if (!node) {
    await rm(layout.litefsConfig, { force: true });
    return undefined;
  }
  if (!bin) throw new RuntimeError('invalid_spec', 'this runtime has no LiteFS binary: replicated instances cannot run here');
  await writeNodeConfig(layout.litefsConfig, {
    role: node.role,
    mountDir: layout.litefsMount,
    dataDir: layout.litefsDataDir,
    httpAddr: `${host}:${node.port}`,
    primaryHostname: node.primaryHostname,
    primaryUrl: node.primaryUrl,
  });
  return [bin, ...mountArgs(layout.litefsConfig)].concat('--');
}

/**
 * Writes (or, when continuous backup is off, removes) the instance's litestream.yml; returns
 * the `serve` arguments that turn it on. Litestream's state lives in the runtime dir, not in
 * the data dir, so backups never carry it and a restore can clear it.
 */
async function writeLitestreamConfig(layout: InstanceLayout, spec: InstanceSpec): Promise<string[]> {
  const cb = spec.continuousBackup;
  if (!cb) {
    await rm(layout.litestreamConfig, { force: true });
    return [];
  }
  await mkdir(layout.runtimeDir, { recursive: true, mode: 0o700 });
  const text = renderConfig({ dbPath: join(layout.dataDir, 'data.db'), metaPath: layout.litestreamMeta, target: cb.target, timing: cb.timing });
  await writeFile(layout.litestreamConfig, text, { mode: 0o600 });
  return ['--litestream-config', layout.litestreamConfig];
}
