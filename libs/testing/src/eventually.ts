/** Waiting for state outside the test (a process, a database) without fixed sleeps. */

/**
 * Polls `check` every 100 ms until it returns a value (not undefined), bounded by `timeoutMs`;
 * a throw counts as "not yet". On timeout the error names `what`, the last error and
 * `context()` (e.g. the tail of the processes' output).
 */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, context: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms (${String(last ?? '')})\n${context()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
