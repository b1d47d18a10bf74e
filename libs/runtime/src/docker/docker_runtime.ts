/**
 * The docker driver: one container and one named volume per instance, through dockerode.
 * Crash restarts are Burrow's (Docker's restart policy is off), so the platform sees every
 * crash; the container's name records a wanted stop or a failure, so several runtimes on one
 * Docker endpoint (api, worker, proxy) agree on what happened without talking to each other.
 */
import { constants as fsConstants } from 'node:fs';
import { chmod, copyFile, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { basename, dirname, join } from 'node:path';
import type Docker from 'dockerode';
import { readProgressLine } from '@burrow/backup/command';
import { listPresent } from '../list_present.js';
import { RuntimeError } from '../errors.js';
import { parseInstanceId, type InstanceId } from '../instance_id.js';
import { waitHealthy } from '../process/health.js';
import type { ProcessExit } from '../process/process_exit.js';
import type {
  BackupOptions, Endpoint, ExitInfo, InstanceRuntimeDriver, InstanceSpec, LogLine, LogOptions,
  ResourceLimits, RuntimeInstance, RuntimeState, RuntimeStatus, StateChange,
} from '../types.js';
import { DATA_DIR, effectiveLimits, NETWORK_PORT, tenantContainerOptions, WORK_DIR } from './container_spec.js';
import { demuxLogLines } from './docker_logs.js';
import { instanceNames, LABEL, nameKind, type InstanceNames } from './names.js';
import { resolveDockerOptions, type DockerRuntimeOptions, type ResolvedDockerOptions } from './options.js';
import { runTask } from './tasks.js';
import { validateSpec } from '../validate_spec.js';

const DEFAULT_TAIL = 200;
/** Log lines quoted in a failure reason. */
const REASON_TAIL_LINES = 20;
/** Attempts at a start when the picked host port was taken meanwhile. */
const PORT_ATTEMPTS = 3;

type Inspect = Docker.ContainerInspectInfo;

/** What this runtime knows of one instance beyond what Docker shows. */
interface Entry {
  state: RuntimeState;
  restarts: number;
  reason?: string;
  lastExit?: ExitInfo;
  starting?: Promise<Endpoint>;
  startAbort?: AbortController;
  stopping?: Promise<void>;
  /** The container this runtime waits on (its exit is judged: wanted, crash, failed). */
  watching?: string;
  restartTimer?: NodeJS.Timeout;
  crashTimes: number[];
  /** Bumped by every explicit start/stop: a late crash handler of an older run does nothing. */
  epoch: number;
  spec?: InstanceSpec;
}

/** Runs tenants as containers; see docker/README.md for the image it expects. */
export class DockerRuntime implements InstanceRuntimeDriver {
  private readonly opts: ResolvedDockerOptions;
  private readonly entries = new Map<InstanceId, Entry>();
  private readonly listeners = new Set<(change: StateChange) => void>();
  private readonly closing = new AbortController();

  constructor(options: DockerRuntimeOptions = {}) {
    this.opts = resolveDockerOptions(options);
  }

  /** Starts the instance or returns the endpoint it already runs on; concurrent calls share one start. */
  async start(spec: InstanceSpec): Promise<Endpoint> {
    const id = parseInstanceId(spec.id);
    this.assertOpen();
    validateDockerSpec(spec);
    const e = this.entry(id);
    if (e.stopping) await e.stopping.catch(() => undefined);
    if (e.starting) return e.starting;
    const abort = new AbortController();
    e.startAbort = abort;
    e.starting = this.startOrAdopt(id, spec, abort.signal).finally(() => {
      e.starting = undefined;
      e.startAbort = undefined;
    });
    return e.starting;
  }

  /** Adopts the running container, or launches a new one. */
  private async startOrAdopt(id: InstanceId, spec: InstanceSpec, signal: AbortSignal): Promise<Endpoint> {
    const e = this.entry(id);
    const running = await this.inspect(this.names(id).main);
    if (running?.State.Running && !e.restartTimer) {
      const endpoint = this.endpointOf(running);
      if (endpoint) {
        this.watch(id, running.Id);
        this.setState(id, 'running');
        return endpoint;
      }
    }
    this.clearRestartTimer(e);
    e.epoch++;
    e.crashTimes = [];
    e.restarts = 0;
    e.reason = undefined;
    e.spec = { ...spec, id, env: { ...spec.env } };
    return this.launch(id, e.spec, signal);
  }

  /** SIGTERM (Docker's stop), SIGKILL after graceMs; no restart after. */
  async stop(id: InstanceId, opts: { graceMs?: number } = {}): Promise<void> {
    const valid = parseInstanceId(id);
    const e = this.entry(valid);
    if (e.stopping) return e.stopping;
    e.stopping = this.stopNow(valid, opts.graceMs ?? this.opts.graceMs).finally(() => {
      e.stopping = undefined;
    });
    return e.stopping;
  }

  /** Its current state, from Docker (adopting a running container this runtime did not start). */
  async status(id: InstanceId): Promise<RuntimeStatus> {
    const valid = parseInstanceId(id);
    const e = this.entry(valid);
    if (e.starting || e.stopping || e.restartTimer) return this.snapshot(e);
    const names = this.names(valid);
    const main = await this.inspect(names.main);
    if (main?.State.Running) {
      this.watch(valid, main.Id);
      this.setState(valid, 'running');
      return this.snapshot(e, main);
    }
    if (main) {
      // Exited under its running name: a crash nobody has restarted yet (its runtime may be
      // gone): judged here, which restarts it.
      if (e.watching !== main.Id) await this.judgeExit(valid, main.Id, e.epoch);
      return this.snapshot(e);
    }
    const failed = await this.inspect(names.failed);
    if (failed) {
      e.lastExit ??= exitOf(failed);
      e.reason ??= `crashed too often; last exit code ${failed.State.ExitCode}`;
      this.setState(valid, 'failed');
      return this.snapshot(e);
    }
    const stopped = await this.inspect(names.stopped);
    if (stopped) e.lastExit = exitOf(stopped);
    this.setState(valid, stopped || (await this.volumeExists(names.volume)) ? 'stopped' : 'absent');
    return this.snapshot(e);
  }

  /** Every instance of this namespace that has a container or a volume. */
  async list(): Promise<RuntimeInstance[]> {
    const filters = { label: [`${LABEL.namespace}=${this.opts.namespace}`] };
    const [containers, volumes] = await Promise.all([
      this.opts.docker.listContainers({ all: true, filters }),
      this.opts.docker.listVolumes({ filters }),
    ]);
    const ids = new Set<InstanceId>();
    for (const c of containers) if (c.Labels[LABEL.role] === 'tenant') ids.add(parseInstanceId(c.Labels[LABEL.instance] ?? ''));
    for (const v of volumes.Volumes ?? []) ids.add(parseInstanceId(v.Labels?.[LABEL.instance] ?? ''));
    return listPresent(ids, (id) => this.status(id));
  }

  /** The container's log (stdout and stderr with Docker's timestamps); the running container's, else the stopped or failed one's. */
  async *logs(id: InstanceId, opts: LogOptions = {}): AsyncGenerator<LogLine> {
    const names = this.names(parseInstanceId(id));
    const tail = opts.tail ?? DEFAULT_TAIL;
    let found: Inspect | undefined;
    for (const name of [names.main, names.stopped, names.failed]) {
      found = await this.inspect(name);
      if (found) break;
    }
    if (!found) return;
    const container = this.opts.docker.getContainer(found.Id);
    const signal = AbortSignal.any([this.closing.signal, ...(opts.signal ? [opts.signal] : [])]);
    if (opts.follow) {
      const stream = (await container.logs({ follow: true, stdout: true, stderr: true, timestamps: true, tail })) as NodeJS.ReadableStream;
      yield* demuxLogLines(stream as Readable, signal);
      return;
    }
    if (tail === 0) return;
    const buf = (await container.logs({ follow: false, stdout: true, stderr: true, timestamps: true, tail })) as Buffer;
    yield* demuxLogLines(Readable.from([buf]), signal);
  }

  /** Stops it, removes its containers and (unless keepVolume) its volume. */
  async remove(id: InstanceId, opts: { keepVolume?: boolean } = {}): Promise<void> {
    const valid = parseInstanceId(id);
    const names = this.names(valid);
    await this.stop(valid);
    for (const name of [names.main, names.stopped, names.failed]) await this.removeContainer(name);
    if (!opts.keepVolume) {
      await this.opts.docker.getVolume(names.volume).remove({ force: true }).catch((err: unknown) => {
        if (statusCode(err) !== 404) throw err;
      });
    }
    const e = this.entry(valid);
    e.spec = undefined;
    e.reason = undefined;
    e.lastExit = undefined;
    e.restarts = 0;
    e.crashTimes = [];
    this.setState(valid, opts.keepVolume && (await this.volumeExists(names.volume)) ? 'stopped' : 'absent');
  }

  /**
   * Archives the instance's data in a one-off container on its volume (the tenant's own
   * backup command: a running tenant keeps serving; a stopped one is not started).
   */
  async backup(id: InstanceId, out: string, opts: BackupOptions = {}): Promise<{ size: number }> {
    const valid = parseInstanceId(id);
    const names = this.names(valid);
    if (!(await this.volumeExists(names.volume))) throw new RuntimeError('not_found', `instance ${id} has no data`);
    // The task writes into a scratch dir beside `out` (as the tenant's user), then the archive is moved into place.
    const scratch = await mkdtemp(join(dirname(out), `.backup_${valid}_`));
    try {
      await chmod(scratch, 0o777);
      const binds = [`${scratch}:/backup`];
      const args = ['backup', 'create', '--dir', DATA_DIR, '--work', `${WORK_DIR}/backup_work_${Date.now()}`, '--out', `/backup/${basename(out)}`];
      if (opts.databaseDir !== undefined) {
        binds.push(`${opts.databaseDir}:/pitr`);
        args.push('--db-dir', '/pitr');
      }
      if (opts.store) args.push('--store');
      const size = await this.runBackupTask(valid, names, args, binds, opts, 'backup');
      await rename(join(scratch, basename(out)), out);
      return { size: size ?? (await stat(out)).size };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /** Swaps a backup archive into a stopped instance's volume (checked first; nothing changes on a bad one). */
  async restore(id: InstanceId, archive: string, opts: BackupOptions = {}): Promise<void> {
    const valid = parseInstanceId(id);
    const state = (await this.status(valid)).state;
    if (state === 'running' || state === 'starting') throw new RuntimeError('invalid_state', `instance ${id} is ${state}: stop it before a restore`);
    const names = this.names(valid);
    await this.ensureVolume(valid, names);
    // A copy the tenant's user can read, whatever the owner and mode of the original.
    const scratch = await mkdtemp(join(dirname(archive), `.restore_${valid}_`));
    try {
      const copy = join(scratch, 'archive.zip');
      await copyFile(archive, copy, fsConstants.COPYFILE_FICLONE);
      await chmod(copy, 0o644);
      await chmod(scratch, 0o755);
      const args = ['backup', 'restore', '--dir', DATA_DIR, '--work', `${WORK_DIR}/restore_work_${Date.now()}`, '--from', '/restore/archive.zip'];
      await this.runBackupTask(valid, names, args, [`${scratch}:/restore:ro`], opts, 'restore');
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /** Runs `burrow-tenant <args> --dir <data dir>` in a one-off container on the instance's volume (created first). */
  async tenantCommand(id: InstanceId, args: string[], opts: { stdin?: string } = {}): Promise<string> {
    const valid = parseInstanceId(id);
    const names = this.names(valid);
    await this.ensureVolume(valid, names);
    const limits = this.limitsOf(valid);
    const r = await runTask(this.opts, { id: valid, names, limits, cmd: [...args, '--dir', DATA_DIR], stdin: opts.stdin });
    if (r.code !== 0) throw new RuntimeError('command_failed', `burrow-tenant ${args[0] ?? ''} ${args[1] ?? ''} failed: ${r.stderr || `exit ${r.code}`}`);
    return r.stdout;
  }

  /** Calls `listener` on every state change of any instance; returns the unsubscribe function. */
  onStateChange(listener: (change: StateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops watching and restarting; containers keep running for the next runtime. */
  async close(): Promise<void> {
    this.closing.abort();
    for (const e of this.entries.values()) this.clearRestartTimer(e);
  }

  // ---- internals ------------------------------------------------------------------------

  /** The limits of its last start (one-off tasks run under them too), else the defaults. */
  private limitsOf(id: InstanceId): Required<ResourceLimits> {
    return effectiveLimits(this.entry(id).spec ?? { id, env: {} }, this.opts.defaultLimits);
  }

  private names(id: InstanceId): InstanceNames {
    return instanceNames(this.opts.namespace, id);
  }

  private entry(id: InstanceId): Entry {
    let e = this.entries.get(id);
    if (!e) {
      e = { state: 'absent', restarts: 0, crashTimes: [], epoch: 0 };
      this.entries.set(id, e);
    }
    return e;
  }

  private async launch(id: InstanceId, spec: InstanceSpec, signal: AbortSignal): Promise<Endpoint> {
    const e = this.entry(id);
    const epoch = e.epoch;
    const names = this.names(id);
    this.setState(id, 'starting');
    try {
      // A container left by an earlier run (stopped, failed, or exited under its running name)
      // is replaced: the spec (env, limits, image) may have changed since.
      for (const name of [names.main, names.stopped, names.failed]) await this.removeContainer(name);
      await this.ensureVolume(id, names);
      for (let attempt = 1; ; attempt++) {
        if (signal.aborted) throw new RuntimeError('aborted', 'start aborted by stop');
        const port = this.opts.network === 'host' ? await this.opts.pickPort(this.opts.host) : NETWORK_PORT;
        const container = await this.opts.docker.createContainer(tenantContainerOptions(this.opts, names, spec, port));
        const exited = this.waitExit(container.id, 'next-exit');
        await container.start();
        const info = await container.inspect();
        const endpoint = this.endpointOf(info);
        if (!endpoint) throw new RuntimeError('start_failed', `container ${names.main} has no endpoint`);
        const failure = await waitHealthy(endpoint.url, exited, this.opts.healthTimeoutMs, signal);
        if (failure === undefined) {
          if (epoch !== e.epoch) throw new RuntimeError('aborted', 'start aborted by stop');
          this.watch(id, container.id, exited);
          this.setState(id, 'running');
          return endpoint;
        }
        const tail = await this.tailText(container.id);
        await this.removeContainer(container.id);
        if (failure.kind === 'aborted') throw new RuntimeError('aborted', 'start aborted by stop');
        const portTaken = failure.kind === 'exited' && /EADDRINUSE/.test(tail);
        if (portTaken && attempt < PORT_ATTEMPTS) continue;
        if (failure.kind === 'timeout') throw new RuntimeError('health_timeout', `not healthy after ${this.opts.healthTimeoutMs} ms; last log lines:\n${tail}`);
        throw new RuntimeError('start_failed', `exited before it was healthy (code ${failure.exit.code}); last log lines:\n${tail}`);
      }
    } catch (err) {
      if (epoch === e.epoch && !(err instanceof RuntimeError && err.code === 'aborted')) {
        e.reason = err instanceof Error ? err.message : String(err);
        this.setState(id, 'failed');
      }
      throw err instanceof RuntimeError ? err : new RuntimeError('start_failed', `start of ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async stopNow(id: InstanceId, graceMs: number): Promise<void> {
    const e = this.entry(id);
    e.epoch++;
    this.clearRestartTimer(e);
    if (e.starting) {
      e.startAbort?.abort();
      await e.starting.catch(() => undefined);
    }
    const names = this.names(id);
    const main = await this.inspect(names.main);
    if (!main) {
      const failed = await this.inspect(names.failed);
      if (failed) {
        await this.removeContainer(names.stopped);
        await this.opts.docker.getContainer(failed.Id).rename({ name: names.stopped }).catch(ignore404);
        e.reason = undefined;
        this.setState(id, 'stopped');
      } else if (e.state === 'failed') {
        e.reason = undefined;
        this.setState(id, (await this.volumeExists(names.volume)) ? 'stopped' : 'absent');
      }
      return;
    }
    if (main.State.Running) this.setState(id, 'stopping');
    e.watching = undefined; // this exit is wanted
    // Renamed first: any runtime that sees the exit reads the name and knows it was wanted.
    await this.removeContainer(names.stopped);
    const container = this.opts.docker.getContainer(main.Id);
    await container.rename({ name: names.stopped });
    try {
      await container.stop({ t: Math.max(0, Math.ceil(graceMs / 1000)) });
    } catch (err) {
      if (statusCode(err) !== 304) throw new RuntimeError('stop_failed', `stop of ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    const after = await this.inspect(main.Id);
    if (after) e.lastExit = exitOf(after);
    e.reason = undefined;
    this.setState(id, 'stopped');
  }

  /** Waits on a container's exit in the background and judges it (once per container). */
  private watch(id: InstanceId, containerId: string, exited?: Promise<ProcessExit>): void {
    const e = this.entry(id);
    if (e.watching === containerId || this.closing.signal.aborted) return;
    e.watching = containerId;
    const epoch = e.epoch;
    void (exited ?? this.waitExit(containerId, 'not-running')).then(() => {
      if (e.watching !== containerId || this.closing.signal.aborted) return;
      e.watching = undefined;
      return this.judgeExit(id, containerId, epoch);
    });
  }

  /** An exit nobody asked for: a crash (restart with backoff, or failed), unless the name says otherwise. */
  private async judgeExit(id: InstanceId, containerId: string, epoch: number): Promise<void> {
    const e = this.entry(id);
    if (epoch !== e.epoch || e.stopping || e.restartTimer) return;
    const names = this.names(id);
    const info = await this.inspect(containerId);
    if (info) e.lastExit = exitOf(info);
    const kind = info ? nameKind(names, info.Name) : undefined;
    if (kind !== 'main') {
      // Stopped (or removed, or failed) by another runtime.
      this.setState(id, kind === 'failed' ? 'failed' : kind === 'stopped' || (await this.volumeExists(names.volume)) ? 'stopped' : 'absent');
      return;
    }
    const now = this.opts.clock.now();
    const { count, windowMs } = this.opts.maxCrashes;
    e.crashTimes = e.crashTimes.filter((t) => now - t < windowMs);
    e.crashTimes.push(now);
    const why = info?.State.OOMKilled ? 'killed by the kernel: out of memory' : `exited with code ${info?.State.ExitCode}`;
    if (e.crashTimes.length >= count) {
      const tail = await this.tailText(containerId);
      await this.opts.docker.getContainer(containerId).rename({ name: names.failed }).catch(ignore404);
      e.reason = `${why}; crashed ${e.crashTimes.length} times within ${windowMs} ms; not restarting; last log lines:\n${tail}`;
      this.setState(id, 'failed');
      return;
    }
    e.reason = why;
    const delay = Math.min(this.opts.backoff.maxMs, this.opts.backoff.initialMs * 2 ** (e.crashTimes.length - 1));
    this.setState(id, 'starting');
    e.restartTimer = setTimeout(() => {
      e.restartTimer = undefined;
      if (epoch !== e.epoch || this.closing.signal.aborted) return;
      void this.restart(id, containerId, epoch);
    }, delay);
    e.restartTimer.unref();
  }

  /** Starts the same container again (same port, env and volume); idempotent across runtimes. */
  private async restart(id: InstanceId, containerId: string, epoch: number): Promise<void> {
    const e = this.entry(id);
    try {
      const info = await this.inspect(containerId);
      if (!info || nameKind(this.names(id), info.Name) !== 'main') return void (await this.status(id));
      const exited = this.waitExit(containerId, 'next-exit');
      if (!info.State.Running) {
        await this.opts.docker.getContainer(containerId).start().catch((err: unknown) => {
          if (statusCode(err) !== 304) throw err; // 304: another runtime started it first
        });
      }
      const endpoint = this.endpointOf(info);
      if (!endpoint) throw new Error('no endpoint');
      const failure = await waitHealthy(endpoint.url, exited, this.opts.healthTimeoutMs, this.closing.signal);
      if (epoch !== e.epoch) return;
      if (failure !== undefined) return void (await this.judgeExit(id, containerId, epoch));
      e.restarts++;
      this.watch(id, containerId, exited);
      this.setState(id, 'running', true);
    } catch (err) {
      if (epoch !== e.epoch) return;
      e.reason = `restart failed: ${err instanceof Error ? err.message : String(err)}`;
      this.setState(id, 'failed');
    }
  }

  /** Resolves when the container exits (condition `next-exit` must be asked before it starts). */
  private waitExit(containerId: string, condition: 'next-exit' | 'not-running'): Promise<ProcessExit> {
    const container = this.opts.docker.getContainer(containerId);
    return (container.wait({ condition }) as Promise<{ StatusCode: number }>).then(
      (r) => ({ code: r.StatusCode, signal: r.StatusCode === 137 ? 'SIGKILL' : null }),
      () => ({ code: null, signal: null }), // removed, or the daemon connection dropped
    );
  }

  private endpointOf(info: Inspect): Endpoint | undefined {
    if (this.opts.network !== 'host') {
      const host = info.Name.replace(/^\//, '');
      return { host, port: NETWORK_PORT, url: `http://${host}:${NETWORK_PORT}` };
    }
    const port = Number.parseInt(info.Config.Labels?.[LABEL.port] ?? '', 10);
    if (!Number.isInteger(port) || port <= 0) return undefined;
    return { host: this.opts.host, port, url: `http://${this.opts.host}:${port}` };
  }

  private snapshot(e: Entry, info?: Inspect): RuntimeStatus {
    const s: RuntimeStatus = { state: e.state, restarts: e.restarts };
    if (info?.State.Running && (e.state === 'running' || e.state === 'stopping')) {
      const endpoint = this.endpointOf(info);
      if (endpoint) s.endpoint = endpoint;
      s.pid = info.State.Pid;
      s.startedAt = new Date(info.State.StartedAt).toISOString();
    }
    if (e.reason !== undefined && (e.state === 'failed' || e.state === 'starting')) s.reason = e.reason;
    if (e.lastExit !== undefined) s.lastExit = { ...e.lastExit };
    return s;
  }

  private async inspect(nameOrId: string): Promise<Inspect | undefined> {
    try {
      return await this.opts.docker.getContainer(nameOrId).inspect();
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw err;
    }
  }

  private async removeContainer(nameOrId: string): Promise<void> {
    await this.opts.docker.getContainer(nameOrId).remove({ force: true }).catch((err: unknown) => {
      if (statusCode(err) !== 404 && statusCode(err) !== 409) throw err; // 409: removal already in progress
    });
  }

  private async volumeExists(name: string): Promise<boolean> {
    try {
      await this.opts.docker.getVolume(name).inspect();
      return true;
    } catch (err) {
      if (statusCode(err) === 404) return false;
      throw err;
    }
  }

  /**
   * Creates the volume on first use. It starts empty, so Docker fills it from the image's /data
   * at the first mount, owner included: the image must have /data owned by the tenant's user
   * (docker/README.md), which spares every create a preparing container.
   */
  private async ensureVolume(id: InstanceId, names: InstanceNames): Promise<void> {
    if (await this.volumeExists(names.volume)) return;
    await this.opts.docker.createVolume({ Name: names.volume, Labels: { [LABEL.instance]: id, [LABEL.namespace]: this.opts.namespace } });
  }

  private async runBackupTask(id: InstanceId, names: InstanceNames, cmd: string[], binds: string[], opts: BackupOptions, what: string): Promise<number | undefined> {
    const limits = this.limitsOf(id);
    let size: number | undefined;
    const r = await runTask(this.opts, {
      id, names, limits, cmd, binds, signal: opts.signal,
      onLine: (line) => {
        const done = readProgressLine(line, opts.onProgress);
        if (done !== undefined) size = done;
      },
    });
    if (r.code !== 0 || size === undefined) {
      throw new RuntimeError('backup_failed', `${what} of ${id} failed: ${r.stderr || `exit ${r.code}`}`);
    }
    return size;
  }

  private async tailText(containerId: string): Promise<string> {
    try {
      const buf = (await this.opts.docker.getContainer(containerId).logs({ stdout: true, stderr: true, tail: REASON_TAIL_LINES })) as Buffer;
        const lines: string[] = [];
      for await (const l of demuxLogLines(Readable.from([buf]))) lines.push(l.text);
      return lines.join('\n');
    } catch {
      return '';
    }
  }

  private setState(id: InstanceId, next: RuntimeState, always = false): void {
    const e = this.entry(id);
    if (next === e.state && !always) return;
    const from = e.state;
    e.state = next;
    const change: StateChange = { id, from, status: this.snapshot(e) };
    for (const l of this.listeners) l(change);
  }

  private clearRestartTimer(e: Entry): void {
    if (e.restartTimer !== undefined) clearTimeout(e.restartTimer);
    e.restartTimer = undefined;
  }

  private assertOpen(): void {
    if (this.closing.signal.aborted) throw new RuntimeError('closed', 'the runtime is closed');
  }
}

function validateDockerSpec(spec: InstanceSpec): void {
  validateSpec(spec);
  if (spec.continuousBackup) throw new RuntimeError('invalid_spec', 'continuous backup is not available with the docker runtime yet');
}

function exitOf(info: Inspect): ExitInfo {
  const at = info.State.FinishedAt && !info.State.FinishedAt.startsWith('0001') ? new Date(info.State.FinishedAt).toISOString() : new Date().toISOString();
  return { code: info.State.ExitCode, signal: info.State.OOMKilled || info.State.ExitCode === 137 ? 'SIGKILL' : null, at };
}

function statusCode(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'statusCode' in err ? Number((err as { statusCode: unknown }).statusCode) : undefined;
}

function ignore404(err: unknown): void {
  if (statusCode(err) !== 404) throw err;
}
