/** Leftovers of work a killed worker never finished (part files, scratch dirs) in a backups dir. */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** An hour without a change: no live writer is that slow to touch its output. */
const STALE_MS = 3_600_000;

/** Removes the entries of `dir` whose name `match`es and that nothing changed for an hour. */
export async function removeStale(dir: string, match: (name: string) => boolean): Promise<void> {
  for (const name of await readdir(dir).catch(() => [])) {
    if (!match(name)) continue;
    const st = await stat(join(dir, name)).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > STALE_MS) await rm(join(dir, name), { recursive: true, force: true });
  }
}
