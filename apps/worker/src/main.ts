/** `node dist/main.js`: the worker process. Configuration comes from the environment (see README). */
import { loadPlatformConfig, processEnv } from '@burrow/config';
import { startWorker, type RunningWorker } from './start_worker.js';

let worker: RunningWorker | undefined;
let stopRequested = false;

function fail(what: string, err: unknown): never {
  process.stderr.write(`burrow-worker: ${what}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

/** SIGTERM/SIGINT: drain active jobs, release everything, exit 0 (tenants keep running). */
function stop(): void {
  stopRequested = true;
  // A signal during boot is honoured once boot is done (there is nothing to close before).
  worker?.close().then(() => process.exit(0), (err: unknown) => fail('shutdown failed', err));
}

// Installed before booting, so an early signal never kills the process mid-boot.
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

try {
  worker = await startWorker(loadPlatformConfig(processEnv(), process.cwd()));
} catch (err) {
  fail('cannot start', err);
}
if (stopRequested) stop();
