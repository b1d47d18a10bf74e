/** Waiting for a freshly spawned tenant to answer `GET /api/health` with 200. */
import { httpRequest } from '../http_probe.js';
import { sleep } from '../sleep.js';
import type { ProcessExit } from './process_exit.js';

/** Why waitHealthy gave up. */
export type HealthFailure =
  | { kind: 'exited'; exit: ProcessExit }
  | { kind: 'timeout'; lastError: string }
  | { kind: 'aborted' };

/** Poll interval: a refused loopback connect costs microseconds, and every ms here is wake latency. */
const POLL_MS = 10;
/** After this long, poll less often: the tenant is slow (big database, loaded host). */
const SLOW_AFTER_MS = 2_000;
const SLOW_POLL_MS = 100;

/**
 * Polls `<url>/api/health` every 10 ms (every 100 ms after 2 s) until it answers 200
 * (resolves undefined), the process exits, `timeoutMs` passes or `signal` aborts.
 */
export async function waitHealthy(
  url: string,
  exited: Promise<ProcessExit>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<HealthFailure | undefined> {
  const startedAt = Date.now();
  const deadline = startedAt + timeoutMs;
  let exit: ProcessExit | undefined;
  void exited.then((e) => (exit = e));
  const wake = new AbortController();
  void exited.then(() => wake.abort());
  const onAbort = () => wake.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let lastError = 'no answer yet';
  try {
    for (;;) {
      if (signal.aborted) return { kind: 'aborted' };
      if (exit) return { kind: 'exited', exit };
      try {
        // The exit of the process (or the abort) also cancels a request a stranger holds open.
        const timeoutMs = Math.min(2_000, Math.max(100, deadline - Date.now()));
        const res = await httpRequest(`${url}/api/health`, { timeoutMs, signal: wake.signal });
        if (res.status === 200) return exit ? { kind: 'exited', exit } : undefined;
        lastError = `health answered ${res.status}`;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
      const left = deadline - Date.now();
      if (left <= 0) return { kind: 'timeout', lastError };
      await sleep(Math.min(Date.now() - startedAt < SLOW_AFTER_MS ? POLL_MS : SLOW_POLL_MS, left), wake.signal);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    wake.abort();
  }
}
