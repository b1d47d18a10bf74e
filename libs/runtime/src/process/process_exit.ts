/** Watching a tenant process end, and ending it: SIGTERM to its group, SIGKILL after a grace. */
import type { ChildProcess } from 'node:child_process';
import { sleep } from '../sleep.js';
import { isAlive } from './pid_file.js';

/** How a process ended; both null when it was not our child (exit status unknown). */
export interface ProcessExit {
  /** Exit code. */
  code: number | null;
  /** Signal that killed it. */
  signal: string | null;
}

/** Resolves when a spawned child exits (or fails to spawn). */
export function watchChild(child: ChildProcess): Promise<ProcessExit> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // A spawn failure (ENOENT, EACCES) emits 'error' and no 'exit'.
    child.once('error', () => resolve({ code: child.exitCode ?? -1, signal: null }));
  });
}

/** A liveness poll of a process that is not our child (adopted after a restart). */
export interface PidWatch {
  /** Resolves when the pid is gone; never resolves once disposed. */
  exited: Promise<ProcessExit>;
  /** Stops polling. */
  dispose(): void;
  /** Checks at once instead of at the next poll (someone has reason to think it is gone). */
  checkNow(): void;
}

/** Polls `kill(pid, 0)` every `intervalMs` on an unref'd timer (it never keeps the process up). */
export function watchPid(pid: number, intervalMs: number): PidWatch {
  let timer: NodeJS.Timeout | undefined;
  let checking = false;
  let check = (): void => undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    check = () => {
      if (checking || timer === undefined) return;
      checking = true;
      void isAlive(pid).then((alive) => {
        checking = false;
        if (alive || timer === undefined) return;
        clearInterval(timer);
        timer = undefined;
        resolve({ code: null, signal: null });
      });
    };
    timer = setInterval(check, intervalMs);
    timer.unref();
  });
  return {
    exited,
    dispose() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
    checkNow: () => check(),
  };
}

/** Sends `signal` to the process group led by `pid` (tenants run detached), else to `pid`. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
    return;
  } catch {
    // Not a group leader, or already gone: try the process itself.
  }
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** How long to wait for the exit after SIGKILL before giving up. */
const KILL_WAIT_MS = 5_000;

/**
 * SIGTERM to the group, wait up to `graceMs` for `exited`, then SIGKILL and wait a little
 * more. Resolves with the exit, or undefined when even SIGKILL was not observed in time.
 */
export async function terminate(
  pid: number,
  exited: Promise<ProcessExit>,
  graceMs: number,
): Promise<ProcessExit | undefined> {
  const grace = new AbortController();
  signalGroup(pid, 'SIGTERM');
  const first = await Promise.race([exited, sleep(graceMs, grace.signal).then(() => undefined)]);
  grace.abort();
  if (first !== undefined) return first;
  signalGroup(pid, 'SIGKILL');
  const last = new AbortController();
  const result = await Promise.race([exited, sleep(KILL_WAIT_MS, last.signal).then(() => undefined)]);
  last.abort();
  return result;
}

/** Resolves when `pid` is gone, polling every `intervalMs` (for processes that are not our children). */
export async function pidGone(pid: number, intervalMs: number, signal?: AbortSignal): Promise<ProcessExit> {
  while (!signal?.aborted && (await isAlive(pid))) await sleep(intervalMs, signal);
  return { code: null, signal: null };
}
