/**
 * An AbortSignal that fires when the process that started this one is gone. A backup command
 * whose parent was killed (a worker or tenant taking SIGKILL) stops and removes its partial
 * output instead of finishing a job nobody follows any more.
 */
import { readFileSync } from 'node:fs';

/** The current parent pid: from /proc on Linux (process.ppid is read once, at startup). */
function currentParent(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Aborts once the parent process has exited (checked every `intervalMs`; the timer does not keep the process alive). */
export function parentGoneSignal(intervalMs = 500): AbortSignal {
  const controller = new AbortController();
  const parent = process.ppid;
  const timer = setInterval(() => {
    const now = currentParent();
    let gone: boolean;
    if (now !== undefined) gone = now !== parent;
    else {
      try {
        process.kill(parent, 0);
        gone = false;
      } catch {
        gone = true;
      }
    }
    if (gone) {
      clearInterval(timer);
      controller.abort(new Error(`the parent process (${parent}) is gone`));
    }
  }, intervalMs);
  timer.unref();
  return controller.signal;
}
