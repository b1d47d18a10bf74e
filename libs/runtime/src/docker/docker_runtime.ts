/**
 * The docker driver: one container and one named volume per instance, through dockerode.
 * Crash restarts are Burrow's (Docker's restart policy is off), so the platform sees every
 * crash; the container's name records a wanted stop or a failure, so several runtimes on one
 * Docker endpoint (api, worker, proxy) agree on what happened without talking to each other.
 */
import type Docker from 'dockerode';
import { RuntimeError } from '../errors.js';
import { parseInstanceId, type InstanceId } from '../instance_id.js';
import { listPresent } from '../list_present.js';
import { waitHealthy } from '../process/health.js';
import type { ProcessExit } from '../process/process_exit.js';
import { sleep } from '../sleep.js';
import type {
  BackupOptions, Endpoint, ExitInfo, InstanceRuntimeDriver, InstanceSpec, LogLine, LogOptions,
  ResourceLimits, RuntimeInstance, RuntimeState, RuntimeStatus, StateChange,
} from '../types.js';
import { validateSpec } from '../validate_spec.js';
import { effectiveLimits, NETWORK_PORT, tenantContainerOptions } from './container_spec.js';
import { exitOf, inspectContainer, limitsOfContainer, removeContainer, statusCode, volumeExists, type Inspect } from './docker_api.js';
import { containerLogTail, followContainerLogs } from './docker_logs.js';
import { instanceNames, LABEL, nameKind, type InstanceNames } from './names.js';
import { resolveDockerOptions, type DockerRuntimeOptions, type ResolvedDockerOptions } from './options.js';
import { backupVolume, restoreVolume, runTenantCommand, type VolumeTarget } from './volume_ops.js';

const DEFAULT_TAIL = 200;
/** Log lines quoted in a failure reason. */
const REASON_TAIL_LINES = 20;
/** Attempts at a start when the picked host port was taken meanwhile. */
const PORT_ATTEMPTS = 3;
/** How often a start that met another runtime's container looks whether it runs yet. */
const JOIN_POLL_MS = 50;
/** How long a container may stay created-but-not-started before it counts as abandoned (a platform died between create and start). */
const CREATED_WAIT_MS = 5_000;

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
  /** The judgement of an exit in progress: one at a time, and status() waits for it. */
  judging?: Promise<void>;
  restartTimer?: NodeJS.Timeout;
  crashTimes: number[];
  /** Bumped by every explicit start/stop: a late crash handler of an older run does nothing. */
  epoch: number;
  spec?: InstanceSpec;
}

/** Runs tenants as containers; see docker/README.md for the image it expects. */
export class DockerRuntime implements InstanceRuntimeDriver {
  private readonly opts: ResolvedDockerOptions;
  private readonly docker: Docker;
  private readonly entries = new Map<InstanceId, Entry>();
  private readonly listeners = new Set<(change: StateChange) => void>();
  private readonly closing = new AbortController();

  constructor(options: DockerRuntimeOptions = {}) {
    this.opts = resolveDockerOptions(options);
    this.docker = this.opts.docker;
  }

  /** Starts the instance or returns the endpoint it already runs on; concurrent calls share one start. */
  async start(spec: InstanceSpec): Promise<Endpoint> {
    const id = parseInstanceId(spec.id);
    this.assertOpen();
    validateSpec(spec);
    if (spec.continuousBackup) throw new RuntimeError('invalid_spec', 'continuous backup is not available with the docker runtime yet');
    if (spec.litefs) throw new RuntimeError('invalid_spec', 'replicated (LiteFS) instances are not available with the docker runtime yet');
    const e = this.entry(id);
    if (e.stopping) await e.stopping.catch(() => undefined);
    if (e.starting) return e.starting;
    const abort = new AbortController();
    e.startAbort = abort;
    e.starting = this.startOrJoin(id, spec, abort.signal).finally(() => {
      e.starting = undefined;
      e.startAbort = undefined;
    });
    return e.starting;
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
    if (e.judging) await e.judging;
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
      // gone), or one being judged: judged here (once), which restarts it.
      if (e.watching !== main.Id) await this.judge(valid, main.Id, e.epoch);
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
    // Still running under its stopped name: another runtime's stop is under way.
    const state: RuntimeState = stopped?.State.Running ? 'stopping' : stopped || (await this.volumeExists(names.volume)) ? 'stopped' : 'absent';
    this.setState(valid, state);
    return this.snapshot(e);
  }

  /** Every instance of this namespace that has a tenant container or a volume. */
  async list(): Promise<RuntimeInstance[]> {
    const filters = { label: [`${LABEL.namespace}=${this.opts.namespace}`] };
    const [containers, volumes] = await Promise.all([
      this.docker.listContainers({ all: true, filters }),
      this.docker.listVolumes({ filters }),
    ]);
    const ids = new Set<InstanceId>();
    for (const c of containers) if (c.Labels[LABEL.role] === 'tenant') ids.add(parseInstanceId(c.Labels[LABEL.instance] ?? ''));
    for (const v of volumes.Volumes ?? []) ids.add(parseInstanceId(v.Labels?.[LABEL.instance] ?? ''));
    return listPresent(ids, (id) => this.status(id));
  }

  /**
   * The container's log (stdout and stderr with Docker's timestamps): the running container's,
   * else the stopped or failed one's; a follow goes on across crash restarts and starts.
   */
  async *logs(id: InstanceId, opts: LogOptions = {}): AsyncGenerator<LogLine> {
    const names = this.names(parseInstanceId(id));
    const tail = opts.tail ?? DEFAULT_TAIL;
    let found: Inspect | undefined;
    for (const name of [names.main, names.stopped, names.failed]) {
      found = await this.inspect(name);
      if (found) break;
    }
    if (!found) return;
    const signal = AbortSignal.any([this.closing.signal, ...(opts.signal ? [opts.signal] : [])]);
    if (!opts.follow) {
      yield* containerLogTail(this.docker, found.Id, tail, signal);
      return;
    }
    const running = async () => {
      const main = await this.inspect(names.main);
      return main?.State.Running ? main.Id : undefined;
    };
    yield* followContainerLogs(this.docker, found.Id, tail, running, signal);
  }

  /** Stops it, removes its containers (tenant and any left-over task) and, unless keepVolume, its volume. */
  async remove(id: InstanceId, opts: { keepVolume?: boolean } = {}): Promise<void> {
    const valid = parseInstanceId(id);
    const names = this.names(valid);
    await this.stop(valid);
    const filters = { label: [`${LABEL.namespace}=${this.opts.namespace}`, `${LABEL.instance}=${valid}`] };
    for (const c of await this.docker.listContainers({ all: true, filters })) await removeContainer(this.docker, c.Id);
    if (!opts.keepVolume) {
      await this.docker.getVolume(names.volume).remove({ force: true }).catch((err: unknown) => {
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

  /** Archives the instance's data in a one-off container on its volume (a running tenant keeps serving; a stopped one is not started). */
  async backup(id: InstanceId, out: string, opts: BackupOptions = {}): Promise<{ size: number }> {
    const valid = parseInstanceId(id);
    if (!(await this.volumeExists(this.names(valid).volume))) throw new RuntimeError('not_found', `instance ${id} has no data`);
    return backupVolume(this.opts, await this.target(valid), out, opts);
  }

  /** Swaps a backup archive into a stopped instance's volume (checked first; nothing changes on a bad one). */
  async restore(id: InstanceId, archive: string, opts: BackupOptions = {}): Promise<void> {
    const valid = parseInstanceId(id);
    const state = (await this.status(valid)).state;
    if (state === 'running' || state === 'starting' || state === 'stopping') throw new RuntimeError('invalid_state', `instance ${id} is ${state}: stop it before a restore`);
    await this.ensureVolume(valid, this.names(valid));
    await restoreVolume(this.opts, await this.target(valid), archive, opts);
  }

  /** Runs `burrow-tenant <args> --dir <data dir>` in a one-off container on the instance's volume (created first). */
  async tenantCommand(id: InstanceId, args: string[], opts: { stdin?: string } = {}): Promise<string> {
    const valid = parseInstanceId(id);
    await this.ensureVolume(valid, this.names(valid));
    return runTenantCommand(this.opts, await this.target(valid), args, opts.stdin);
  }

  /** Calls `listener` on every state change of any instance; returns the unsubscribe function. */
  onStateChange(listener: (change: StateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops watching and restarting (ends the daemon's long polls); containers keep running for the next runtime. */
  async close(): Promise<void> {
    this.closing.abort();
    for (const e of this.entries.values()) this.clearRestartTimer(e);
  }

  // ---- lifecycle --------------------------------------------------------------------------

  /** Joins a container that runs (another runtime's, or one left running), or launches a new one. */
  private async startOrJoin(id: InstanceId, spec: InstanceSpec, signal: AbortSignal): Promise<Endpoint> {
    const e = this.entry(id);
    if (e.judging) await e.judging;
    const running = await this.inspect(this.names(id).main);
    if (running?.State.Running && !e.restartTimer) {
      const endpoint = await this.join(id, running, signal);
      if (endpoint) return endpoint;
    }
    this.clearRestartTimer(e);
    e.epoch++;
    e.crashTimes = [];
    e.restarts = 0;
    e.reason = undefined;
    e.spec = { ...spec, id, env: { ...spec.env } };
    return this.launch(id, e.spec, signal);
  }

  /** Waits until a container that is already there (started by anyone) answers, then supervises it. */
  private async join(id: InstanceId, info: Inspect, signal: AbortSignal): Promise<Endpoint | undefined> {
    const deadline = Date.now() + this.opts.healthTimeoutMs;
    const createdUntil = Date.now() + CREATED_WAIT_MS;
    let current: Inspect | undefined = info;
    // Created but not started yet (another runtime's start in progress): wait for it to run.
    while (current && !current.State.Running && current.State.Status === 'created' && Date.now() < createdUntil && !signal.aborted) {
      await sleep(JOIN_POLL_MS, signal);
      current = await this.inspect(info.Id);
    }
    const endpoint = current?.State.Running ? this.endpointOf(current) : undefined;
    if (!current || !endpoint) return undefined;
    const exited = this.waitExit(current.Id, 'not-running');
    const failure = await waitHealthy(endpoint.url, exited, Math.max(1, deadline - Date.now()), signal);
    if (failure?.kind === 'aborted') throw new RuntimeError('aborted', 'start aborted by stop');
    if (failure !== undefined) return undefined; // exited or hung: a new launch replaces it
    this.watch(id, current.Id, exited);
    this.setState(id, 'running');
    return endpoint;
  }

  private async launch(id: InstanceId, spec: InstanceSpec, signal: AbortSignal): Promise<Endpoint> {
    const e = this.entry(id);
    const epoch = e.epoch;
    const names = this.names(id);
    this.setState(id, 'starting');
    try {
      // One that runs or is about to (created by another runtime's start in progress) is joined.
      const current = await this.inspect(names.main);
      if (current && (current.State.Running || current.State.Status === 'created')) {
        const joined = await this.join(id, current, signal);
        if (joined) return joined;
      }
      // A container left by an earlier run (stopped, failed, exited under its running name, or
      // one that never came up) is replaced: the spec (env, limits, image) may have changed.
      await this.removeUnlessRunning(names.stopped);
      await this.removeUnlessRunning(names.failed);
      await this.removeUnlessRunning(names.main);
      await this.ensureVolume(id, names);
      for (let attempt = 1; ; attempt++) {
        if (signal.aborted) throw new RuntimeError('aborted', 'start aborted by stop');
        const port = this.opts.network === 'host' ? await this.opts.pickPort(this.opts.host) : NETWORK_PORT;
        let container: Docker.Container;
        try {
          container = await this.docker.createContainer(tenantContainerOptions(this.opts, names, spec, port));
        } catch (err) {
          if (statusCode(err) !== 409) throw err;
          // Another runtime created it first: join that one (its name is taken a moment before it can be inspected).
          const other = await this.inspectSoon(names.main, signal);
          const joined = other ? await this.join(id, other, signal) : undefined;
          if (joined) return joined;
          throw new RuntimeError('start_failed', `another runtime's container ${names.main} did not become healthy`);
        }
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
        await removeContainer(this.docker, container.id);
        if (failure.kind === 'aborted') throw new RuntimeError('aborted', 'start aborted by stop');
        const portTaken = failure.kind === 'exited' && /EADDRINUSE/.test(tail);
        if (portTaken && attempt < PORT_ATTEMPTS) continue;
        if (failure.kind === 'timeout') throw new RuntimeError('health_timeout', `not healthy after ${this.opts.healthTimeoutMs} ms; last log lines:\n${tail}`);
        const why = failure.exit.code === 137 ? 'was killed (out of memory?)' : `exited with code ${failure.exit.code}`;
        throw new RuntimeError('start_failed', `${why} before it was healthy; last log lines:\n${tail}`);
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
    if (e.judging) await e.judging;
    const names = this.names(id);
    const main = await this.inspect(names.main);
    if (!main) return this.settleWithoutMain(id, names);
    if (main.State.Running) this.setState(id, 'stopping');
    e.watching = undefined; // this exit is wanted
    // Renamed first: any runtime that sees the exit reads the name and knows it was wanted. An
    // older stopped container gives its name up; never this one (another runtime may have
    // renamed it already: both stops then wait for the same exit).
    const older = await this.inspect(names.stopped);
    if (older && older.Id !== main.Id) await removeContainer(this.docker, older.Id);
    const container = this.docker.getContainer(main.Id);
    await container.rename({ name: names.stopped }).catch(async (err: unknown) => {
      const now = await this.inspect(main.Id);
      if (now && nameKind(names, now.Name) !== 'stopped') throw new RuntimeError('stop_failed', `stop of ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
    });
    try {
      await container.stop({ t: Math.max(0, Math.ceil(graceMs / 1000)) });
    } catch (err) {
      if (statusCode(err) !== 304 && statusCode(err) !== 404) throw new RuntimeError('stop_failed', `stop of ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    await this.waitExit(main.Id, 'not-running');
    const after = await this.inspect(main.Id);
    if (after) e.lastExit = exitOf(after);
    e.reason = undefined;
    this.setState(id, 'stopped');
  }

  /** A stop that found no running-named container: a failed one counts as stopped; a stop by another runtime is waited for. */
  private async settleWithoutMain(id: InstanceId, names: InstanceNames): Promise<void> {
    const e = this.entry(id);
    const failed = await this.inspect(names.failed);
    if (failed) {
      const older = await this.inspect(names.stopped);
      if (older && older.Id !== failed.Id) await removeContainer(this.docker, older.Id);
      await this.docker.getContainer(failed.Id).rename({ name: names.stopped }).catch(() => undefined);
      e.reason = undefined;
      this.setState(id, 'stopped');
      return;
    }
    const stopping = await this.inspect(names.stopped);
    if (stopping?.State.Running) await this.waitExit(stopping.Id, 'not-running');
    if (stopping) e.lastExit = exitOf((await this.inspect(stopping.Id)) ?? stopping);
    if (e.state !== 'absent' && e.state !== 'stopped') {
      e.reason = undefined;
      this.setState(id, stopping || (await this.volumeExists(names.volume)) ? 'stopped' : 'absent');
    }
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
      return this.judge(id, containerId, epoch);
    });
  }

  /**
   * One judgement at a time per instance. A failure to reach the daemon is not a verdict: the
   * container stays unjudged and the next status() judges it again.
   */
  private judge(id: InstanceId, containerId: string, epoch: number): Promise<void> {
    const e = this.entry(id);
    if (e.judging) return e.judging;
    const judging: Promise<void> = this.judgeExit(id, containerId, epoch)
      .catch(() => undefined)
      .finally(() => {
        if (e.judging === judging) e.judging = undefined;
      });
    e.judging = judging;
    return judging;
  }

  /** An exit nobody asked for: a crash (restart with backoff, or failed), unless the name says otherwise. */
  private async judgeExit(id: InstanceId, containerId: string, epoch: number): Promise<void> {
    const e = this.entry(id);
    if (epoch !== e.epoch || e.stopping || e.restartTimer || this.closing.signal.aborted) return;
    const names = this.names(id);
    const info = await this.inspect(containerId);
    if (info?.State.Running) {
      // The wait ended without an exit (the daemon's connection dropped): watch it again.
      this.watch(id, containerId);
      return;
    }
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
      await this.docker.getContainer(containerId).rename({ name: names.failed }).catch(() => undefined);
      e.reason = `${why}; crashed ${e.crashTimes.length} times within ${windowMs} ms; not restarting; last log lines:\n${tail}`;
      this.setState(id, 'failed');
      return;
    }
    e.reason = why;
    const delay = Math.min(this.opts.backoff.maxMs, this.opts.backoff.initialMs * 2 ** (e.crashTimes.length - 1));
    this.setState(id, 'starting');
    this.clearRestartTimer(e);
    e.restartTimer = setTimeout(() => {
      e.restartTimer = undefined;
      if (epoch !== e.epoch || this.closing.signal.aborted) return;
      void this.restart(id, containerId, epoch);
    }, delay);
    e.restartTimer.unref();
  }

  /** Starts the same container again (same port, env and volume), by its running name: idempotent across runtimes. */
  private async restart(id: InstanceId, containerId: string, epoch: number): Promise<void> {
    const e = this.entry(id);
    const names = this.names(id);
    try {
      const info = await this.inspect(names.main);
      if (epoch !== e.epoch) return;
      if (!info || info.Id !== containerId) return void (await this.status(id)); // stopped or replaced meanwhile
      const exited = this.waitExit(containerId, 'next-exit');
      if (!info.State.Running) {
        try {
          // By name: a container renamed by a stop since the inspect is not started again.
          await this.docker.getContainer(names.main).start();
        } catch (err) {
          if (statusCode(err) === 404) return void (await this.status(id));
          if (statusCode(err) !== 304) throw err; // 304: another runtime started it first
        }
      }
      const endpoint = this.endpointOf(info);
      if (!endpoint) throw new Error('no endpoint');
      const failure = await waitHealthy(endpoint.url, exited, this.opts.healthTimeoutMs, this.closing.signal);
      if (epoch !== e.epoch || failure?.kind === 'aborted') return;
      if (failure !== undefined) {
        // Hung: stopped before it counts as one more crash (never left running as failed).
        if (failure.kind === 'timeout') await this.docker.getContainer(containerId).kill().catch(() => undefined);
        await this.waitExit(containerId, 'not-running');
        return void (await this.judge(id, containerId, epoch));
      }
      e.restarts++;
      this.watch(id, containerId, exited);
      this.setState(id, 'running', true);
    } catch (err) {
      if (epoch !== e.epoch) return;
      e.reason = `restart failed: ${err instanceof Error ? err.message : String(err)}`;
      this.setState(id, 'failed');
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** Resolves when the container exits (condition `next-exit` must be asked before it starts), or the runtime closes. */
  private waitExit(containerId: string, condition: 'next-exit' | 'not-running'): Promise<ProcessExit> {
    const container = this.docker.getContainer(containerId);
    return (container.wait({ condition, abortSignal: this.closing.signal }) as Promise<{ StatusCode: number }>).then(
      (r) => ({ code: r.StatusCode, signal: r.StatusCode === 137 ? 'SIGKILL' : null }),
      () => ({ code: null, signal: null }), // removed, closed, or the daemon connection dropped: judged from inspect
    );
  }

  private endpointOf(info: Inspect): Endpoint | undefined {
    if (this.opts.network !== 'host') {
      const host = this.names(parseInstanceId(info.Config.Labels?.[LABEL.instance] ?? '')).main;
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

  /** The volume and the limits its tasks run under: the last start's, else the container's, else the defaults. */
  private async target(id: InstanceId): Promise<VolumeTarget> {
    const names = this.names(id);
    let limits: ResourceLimits | undefined = this.entry(id).spec?.limits;
    if (limits === undefined) {
      const container = (await this.inspect(names.main)) ?? (await this.inspect(names.stopped));
      limits = container ? limitsOfContainer(container) : {};
    }
    return { id, names, limits: effectiveLimits({ id, env: {}, limits }, this.opts.defaultLimits) };
  }

  private inspect(nameOrId: string): Promise<Inspect | undefined> {
    return inspectContainer(this.docker, nameOrId);
  }

  private volumeExists(name: string): Promise<boolean> {
    return volumeExists(this.docker, name);
  }

  /** The container once it can be inspected (bounded by CREATED_WAIT_MS). */
  private async inspectSoon(name: string, signal: AbortSignal): Promise<Inspect | undefined> {
    const until = Date.now() + CREATED_WAIT_MS;
    for (;;) {
      const info = await this.inspect(name);
      if (info || Date.now() > until || signal.aborted) return info;
      await sleep(JOIN_POLL_MS, signal);
    }
  }

  private async removeUnlessRunning(name: string): Promise<void> {
    const info = await this.inspect(name);
    if (info && !info.State.Running) await removeContainer(this.docker, info.Id);
  }


  /**
   * Creates the volume on first use. It starts empty, so Docker fills it from the image's /data
   * at the first mount, owner included: the image must have /data owned by the tenant's user
   * (docker/README.md), which spares every create a preparing container.
   */
  private async ensureVolume(id: InstanceId, names: InstanceNames): Promise<void> {
    if (await this.volumeExists(names.volume)) return;
    await this.docker.createVolume({ Name: names.volume, Labels: { [LABEL.instance]: id, [LABEL.namespace]: this.opts.namespace } });
  }

  private async tailText(containerId: string): Promise<string> {
    try {
      const lines: string[] = [];
      for await (const l of containerLogTail(this.docker, containerId, REASON_TAIL_LINES, this.closing.signal)) lines.push(l.text);
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
