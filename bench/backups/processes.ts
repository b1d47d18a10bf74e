/** The bench's own child processes, found through /proc, for the watchdog. */
import { readFileSync } from 'node:fs';

/** Pids of every process below `pid` (a tenant's Litestream or `backup create` child, for one). */
export function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** SIGKILLs `pid` and what it started, by pid; for the watchdog and signals only. */
export function killTree(pid: number): void {
  for (const p of [...descendants(pid), pid]) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * If the run overruns `minutes`, or on Ctrl-C / SIGTERM: `abandon()` (kill what the bench
 * started, remove its temp dirs; synchronous), then exit 2. Returns the timer to clear.
 */
export function armWatchdog(bench: string, minutes: number, abandon: () => void): NodeJS.Timeout {
  const stopNow = (why: string) => {
    process.stderr.write(`${bench}: ${why}; stopping\n`);
    abandon();
    process.exit(2);
  };
  process.once('SIGINT', () => stopNow('interrupted'));
  process.once('SIGTERM', () => stopNow('terminated'));
  const timer = setTimeout(() => stopNow(`exceeded ${minutes} min`), minutes * 60_000);
  timer.unref();
  return timer;
}
