/** Helpers for runtime tests (the contract suite and driver tests): events, logs, /proc. */
import { readFile } from 'node:fs/promises';
import type { InstanceId } from '../instance_id.js';
import type { InstanceRuntime, InstanceRuntimeDriver, LogLine, LogOptions, RuntimeState, StateChange } from '../types.js';

/**
 * Resolves on the next change of `id` into `state` (call it before the action that causes
 * it); rejects after `timeoutMs` with the changes seen meanwhile.
 */
export function nextState(
  runtime: InstanceRuntimeDriver,
  id: InstanceId,
  state: RuntimeState,
  timeoutMs = 30_000,
): Promise<StateChange> {
  return new Promise((resolve, reject) => {
    const seen: string[] = [];
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no change of ${id} to ${state} within ${timeoutMs} ms; saw: ${seen.join(', ') || 'nothing'}`));
    }, timeoutMs);
    const off = runtime.onStateChange((change) => {
      if (change.id !== id) return;
      seen.push(`${change.from}->${change.status.state}`);
      if (change.status.state !== state) return;
      clearTimeout(timer);
      off();
      resolve(change);
    });
  });
}

/** Collects the lines of a non-following `logs()` call. */
export async function collectLogs(runtime: InstanceRuntime, id: InstanceId, opts: LogOptions = {}): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  for await (const line of runtime.logs(id, { ...opts, follow: false })) lines.push(line);
  return lines;
}

/** The environment of a live process, from `/proc/<pid>/environ` (Linux). */
export async function readProcEnv(pid: number): Promise<Record<string, string>> {
  const raw = await readFile(`/proc/${pid}/environ`, 'utf8');
  const env: Record<string, string> = {};
  for (const entry of raw.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** True when a process with this pid exists (zombies included). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
