/**
 * Spawning one tenant process: free port, detached process group, output appended to the
 * log file (not piped, so it outlives the platform process), pid file, health wait, and a
 * retry on another port when the chosen one was taken in between. A warm standby from the
 * pool, when there is one, is assigned the instance instead of spawning. Under the instance
 * lock, a live process another runtime recorded is joined instead of starting a second one.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { RuntimeError } from '../errors.js';
import type { Endpoint } from '../types.js';
import { waitHealthy } from './health.js';
import type { InstanceLayout } from './layout.js';
import { appendSystemLine, fileSize, lastLines, parseLogLine, readRange, rotateIfLarge } from './log_file.js';
import { withInstanceLock } from './instance_lock.js';
import { isRecordedProcess, readPidFile, removePidFile, writePidFile, type PidRecord } from './pid_file.js';
import { terminate, watchChild, watchPid, type ProcessExit } from './process_exit.js';
import type { StandbySource } from './standby_pool.js';

/** Starts a process; `child_process.spawn` by default, replaced in tests to count spawns. */
export type SpawnFn = (command: string, args: string[], options: SpawnOptions) => ChildProcess;

/** Everything one spawn needs. */
export interface SpawnTenantInput {
  layout: InstanceLayout;
  nodePath: string;
  tenantBin: string;
  host: string;
  env: Record<string, string>;
  /** Port to try first (the previous one on a crash restart, so the endpoint stays put). */
  preferredPort?: number;
  pickPort(host: string): Promise<number>;
  spawn: SpawnFn;
  healthTimeoutMs: number;
  /** Grace for the SIGTERM of a process that failed its start. */
  killGraceMs: number;
  maxLogBytes: number;
  now(): Date;
  /** Aborts the start (stop() during a start): the process is killed. */
  signal: AbortSignal;
  /** Liveness poll interval for a process another runtime spawned. */
  livenessPollMs: number;
  /** Warm processes to take instead of spawning (refilled once this start settled). */
  standbys?: StandbySource;
  /** More `serve` arguments (continuous backup's config, a LiteFS mount's `--db-dir`). */
  extraArgs?: string[];
  /** A command the tenant runs under (`litefs mount ... --`); never with standbys. */
  wrapper?: string[];
  /** Runs under the instance lock right before a spawn (never when joining a live process). */
  prepare?: () => void;
}

/** A tenant that answered its health check. */
export interface SpawnedTenant extends PidRecord {
  /** Where it answers. */
  endpoint: Endpoint;
  /** Resolves when it exits. */
  exited: Promise<ProcessExit>;
  /** Found running (another runtime's process), not spawned here: watch it by polling. */
  joined: boolean;
  /** Joined processes: checks liveness at once rather than at the next poll. */
  checkNow?: () => void;
  /** Stops watching a joined process. */
  dispose(): void;
}

/** How many ports to try when the chosen one turns out to be taken. */
const PORT_ATTEMPTS = 3;
/** Log lines quoted in a failure message. */
const FAILURE_TAIL_LINES = 20;

/** Spawns the tenant (or assigns a standby) and waits until it is healthy; throws RuntimeError with its last log lines. */
export async function spawnTenant(input: SpawnTenantInput): Promise<SpawnedTenant> {
  const { layout } = input;
  await mkdir(layout.dataDir, { recursive: true, mode: 0o700 });
  await mkdir(layout.runtimeDir, { recursive: true, mode: 0o700 });
  try {
    let port = input.preferredPort ?? (await input.pickPort(input.host));
    let useStandby = input.standbys !== undefined;
    for (let attempt = 1; ; ) {
      try {
        return await spawnOnce(input, port, useStandby);
      } catch (err) {
        if (err instanceof StandbyLostError) {
          // Once: a fresh process shows in the log what is wrong, if anything is.
          useStandby = false;
          await appendSystemLine(layout.logFile, `standby pid ${err.pid} exited without serving; spawning a fresh process`, input.now());
          continue;
        }
        if (!(err instanceof PortTakenError) || ++attempt > PORT_ATTEMPTS) throw err;
        await appendSystemLine(layout.logFile, `port ${port} was taken, retrying on another port`, input.now());
        port = await input.pickPort(input.host);
      }
    }
  } finally {
    input.standbys?.refill();
  }
}

class PortTakenError extends RuntimeError {}

/**
 * A standby that exited before it was healthy without a line of output in the instance log:
 * it died before it read its assignment (or natively, past its log). Not the instance's fault.
 */
class StandbyLostError extends RuntimeError {
  constructor(readonly pid: number) {
    super('start_failed', `standby pid ${pid} exited without serving`);
  }
}

async function spawnOnce(input: SpawnTenantInput, port: number, useStandby: boolean): Promise<SpawnedTenant> {
  const { layout } = input;
  if (input.signal.aborted) throw new RuntimeError('aborted', 'start aborted by stop');
  const serveArgs = ['serve', '--http', `${input.host}:${port}`, '--dir', layout.dataDir, ...(input.extraArgs ?? [])];
  const command = [...(input.wrapper ?? []), input.nodePath, input.tenantBin, ...serveArgs];
  let logStart = 0;
  const claim = await withInstanceLock(layout.lockFile, async () => {
    const existing = await readPidFile(layout.pidFile);
    if (existing !== undefined && !existing.stopping && (await isRecordedProcess(existing))) {
      return { record: existing, exited: undefined };
    }
    // Only here is nobody writing the log: the moment to rotate it.
    await rotateIfLarge(layout.logFile, layout.oldLogFile, input.maxLogBytes);
    logStart = await fileSize(layout.logFile);
    const standby = useStandby ? input.standbys?.take() : undefined;
    if (standby !== undefined) {
      // Its argv is the standby's (with its unique tag): that is what /proc/<pid>/cmdline shows.
      const record: PidRecord = { pid: standby.pid, host: input.host, port, startedAt: input.now().toISOString(), command: standby.command };
      // Recorded before it becomes the instance's tenant, so a platform that dies in between
      // leaves a pid file a restart can check, never an untracked tenant on this data dir.
      try {
        await writePidFile(layout.pidFile, record);
      } catch (err) {
        await terminate(standby.pid, standby.exited, input.killGraceMs); // still unassigned: nothing of the instance's ran
        throw err;
      }
      await standby.assign({ args: serveArgs, env: input.env, cwd: layout.instanceDir, logFile: layout.logFile });
      return { record, exited: standby.exited, standby: true };
    }
    input.prepare?.();
    const fd = openSync(layout.logFile, 'a', 0o600);
    let child: ChildProcess;
    try {
      child = input.spawn(command[0], command.slice(1), {
        cwd: layout.instanceDir,
        env: input.env,
        detached: true, // own process group: stop() signals the group; survives the platform's exit
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd); // the child holds its own copy
    }
    const exited = watchChild(child);
    child.unref();
    if (child.pid === undefined) {
      await exited;
      throw new RuntimeError('start_failed', `could not spawn ${command[0]}`);
    }
    const record: PidRecord = { pid: child.pid, host: input.host, port, startedAt: input.now().toISOString(), command };
    await writePidFile(layout.pidFile, record);
    return { record, exited, standby: false };
  });
  if (claim.exited === undefined) return joinExisting(input, claim.record);
  const { record, exited } = claim;
  const pid = record.pid;
  const what = claim.standby ? `assigned standby pid ${pid}` : `spawned pid ${pid}`;
  await appendSystemLine(layout.logFile, `${what} on ${input.host}:${port}`, input.now());

  const url = `http://${input.host}:${port}`;
  const failure = await waitHealthy(url, exited, input.healthTimeoutMs, input.signal);
  if (failure === undefined) return { ...record, endpoint: { host: input.host, port, url }, exited, joined: false, dispose: () => undefined };

  await terminate(pid, exited, input.killGraceMs);
  await withInstanceLock(layout.lockFile, () => removePidFile(layout.pidFile, pid));
  const output = (await readRange(layout.logFile, logStart, await fileSize(layout.logFile))).toString('utf8');
  const tail = (await lastLines(layout.logFile, await fileSize(layout.logFile), FAILURE_TAIL_LINES)).join('\n');
  if (failure.kind === 'aborted') {
    await appendSystemLine(layout.logFile, `start of pid ${pid} aborted by stop`, input.now());
    throw new RuntimeError('aborted', 'start aborted by stop');
  }
  if (failure.kind === 'exited') {
    if (claim.standby && !wroteOutput(output)) throw new StandbyLostError(pid);
    const how = `code ${failure.exit.code}, signal ${failure.exit.signal}`;
    await appendSystemLine(layout.logFile, `pid ${pid} exited before it was healthy (${how})`, input.now());
    if (/EADDRINUSE|address already in use/i.test(output)) throw new PortTakenError('start_failed', `port ${port} taken`);
    throw new RuntimeError('start_failed', `tenant exited before it was healthy (${how}); last log lines:\n${tail}`);
  }
  await appendSystemLine(layout.logFile, `pid ${pid} not healthy after ${input.healthTimeoutMs} ms: killed`, input.now());
  throw new RuntimeError(
    'health_timeout',
    `tenant not healthy after ${input.healthTimeoutMs} ms (${failure.lastError}); last log lines:\n${tail}`,
  );
}

/** True when `text` (a stretch of the log) holds a line the tenant wrote, not only the runtime's own. */
function wroteOutput(text: string): boolean {
  const now = new Date().toISOString();
  return text.split('\n').some((line) => line !== '' && parseLogLine(line, now).stream !== 'system');
}

/** Waits for the health of a process another runtime spawned; it is theirs to kill, not ours. */
async function joinExisting(input: SpawnTenantInput, record: PidRecord): Promise<SpawnedTenant> {
  const watch = watchPid(record.pid, input.livenessPollMs);
  const url = `http://${record.host}:${record.port}`;
  const failure = await waitHealthy(url, watch.exited, input.healthTimeoutMs, input.signal);
  if (failure === undefined) {
    return { ...record, endpoint: { host: record.host, port: record.port, url }, exited: watch.exited, joined: true, dispose: watch.dispose, checkNow: watch.checkNow };
  }
  watch.dispose();
  if (failure.kind === 'aborted') throw new RuntimeError('aborted', 'start aborted by stop');
  const why = failure.kind === 'exited' ? 'exited before it was healthy' : `not healthy after ${input.healthTimeoutMs} ms`;
  throw new RuntimeError(failure.kind === 'exited' ? 'start_failed' : 'health_timeout', `pid ${record.pid}, started by another runtime, ${why}`);
}
