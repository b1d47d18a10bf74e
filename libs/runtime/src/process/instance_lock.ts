/**
 * A per-instance lock file (`runtime/lock`, created with O_EXCL) held while a runtime decides
 * whether to spawn and writes the pid file, or marks a process as stopping. It makes start and
 * stop safe when several platform processes on one host (api, worker, proxy) each run a
 * ProcessRuntime on the same root: the second one finds the first one's process instead of
 * spawning another.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { sleep } from '../sleep.js';
import { isAlive } from './pid_file.js';

/** How long to wait for another holder before giving up. */
const LOCK_WAIT_MS = 10_000;
const RETRY_MS = 10;

/** Runs `fn` while holding `lockFile`; a lock whose holder process is dead is taken over. */
export async function withInstanceLock<T>(lockFile: string, fn: () => Promise<T>): Promise<T> {
  const token = `${process.pid}:${Math.random().toString(36).slice(2)}`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fh = await open(lockFile, 'wx', 0o600);
      await fh.writeFile(token);
      await fh.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number.parseInt((await readFile(lockFile, 'utf8').catch(() => '')).split(':')[0], 10);
    // An empty file is a holder between create and write: wait for it like any other.
    if (Number.isInteger(holder) && holder > 0 && !(await isAlive(holder))) {
      await rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`instance lock ${lockFile} is held by pid ${holder}`);
    await sleep(RETRY_MS);
  }
  try {
    return await fn();
  } finally {
    const current = await readFile(lockFile, 'utf8').catch(() => '');
    if (current === token) await rm(lockFile, { force: true });
  }
}
