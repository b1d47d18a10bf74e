/**
 * What a standby does while it waits: boots one throwaway tenant on a scratch directory
 * `warmup-<pid>` in its working directory (the runtime's pool directory, which removes the
 * directories of standbys that died before they could) and sends it a few requests in-process,
 * then deletes it. V8 compiles a
 * function on its first call, and the native SQLite addon loads on the first open, so this moves
 * that work (tens of ms) from the assigned instance's start and first requests to the idle time
 * before it. No instance's data is touched, nothing listens, nothing is written to stdout.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from './apis/server.js';
import { TenantApp } from './core/app.js';

/** Requests whose code paths every instance runs first (health checks, a guest list call). */
const WARM_REQUESTS = ['/api/health', '/api/collections/users/records?perPage=1', '/api/collections'];

/**
 * Boots and discards a scratch tenant; stops between steps once `stop` aborts (the assignment
 * arrived: it must not wait for the rest). Never throws: a failed warm-up only costs speed.
 */
export async function warmUp(stop: AbortSignal): Promise<void> {
  let dir: string | undefined;
  try {
    // One turn of the event loop first: an assignment already waiting on stdin skips it all.
    await new Promise((resolve) => setImmediate(resolve));
    if (stop.aborted) return;
    dir = join(process.cwd(), `warmup-${process.pid}`); // absolute: the assignment changes the cwd
    rmSync(dir, { recursive: true, force: true }); // a pid reused after a killed standby
    mkdirSync(dir, { mode: 0o700 });
    const app = TenantApp.open({ dir });
    try {
      if (stop.aborted) return;
      const server = await createServer(app, { logError: () => undefined });
      for (const url of WARM_REQUESTS) {
        if (stop.aborted) break;
        await server.inject({ method: 'GET', url });
      }
      await server.close();
    } finally {
      app.close();
    }
  } catch {
    // The real start will do (and report) the same work.
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}
