/**
 * Restoring a data directory from an extracted archive: the current entries are moved aside and
 * the extracted ones in, all by rename. Every rename done is recorded, so a swap that fails part
 * way is undone exactly (the entries not yet moved never leave the data dir), in reverse order.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkDatabase, DB_FILES, EXCLUDED_DIRS, type Progress } from './archive.js';
import { fsyncPath } from './durable.js';
import { extractArchive, type ExtractLimits } from './extract.js';

/** A prepared restore of a data directory: swap the data in, put it back, remove the leftovers. */
export interface RestorePlan {
  swap(): void;
  revert(): void;
  cleanup(): void;
}

/** The file operations of a swap (tests inject a rename that fails part way; the tenant removes asynchronously). */
export interface SwapOps {
  rename(from: string, to: string): void;
  /** Removes a leftover directory (recursively; a missing one is no error). */
  remove(dir: string): void;
}

const defaultOps: SwapOps = {
  rename: renameSync,
  remove: (dir) => rmSync(dir, { recursive: true, force: true }),
};

const entriesOf = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((e) => !EXCLUDED_DIRS.has(e)) : []);

/**
 * The swap of `extracted` (a checked extraction) into `dataDir`, with `aside` receiving the
 * current data. `swap()` records each rename as it is done; `revert()` undoes exactly those, in
 * reverse, and first moves away what appeared in the data dir since (the files opening the
 * restored databases created), so the previous data comes back as it was; it throws if an entry
 * could not be put back (then `cleanup()` keeps `aside`, which still holds it). `cleanup()`
 * removes the extraction, and `aside` unless it holds data that did not go back.
 * Only run `swap()` while nothing has the databases open.
 */
export function planSwap(dataDir: string, extracted: string, aside: string, ops: SwapOps = defaultOps): RestorePlan {
  const strays = `${aside}_stray`;
  const movedOut: string[] = [];
  const movedIn: string[] = [];
  let present: Set<string> | undefined; // the data dir's entries when the swap began
  let swapped = false;
  let reverted = false;
  let stuck = false; // a revert left entries in `aside`
  return {
    swap: () => {
      if (present) throw new Error('this restore was already swapped in');
      present = new Set(entriesOf(dataDir));
      mkdirSync(aside, { recursive: true });
      for (const entry of present) {
        ops.rename(join(dataDir, entry), join(aside, entry));
        movedOut.push(entry);
      }
      for (const entry of entriesOf(extracted)) {
        const to = join(dataDir, entry);
        if (existsSync(to)) throw new Error(`cannot restore ${entry}: it is still in the data directory`);
        ops.rename(join(extracted, entry), to);
        movedIn.push(entry);
      }
      // The renames themselves reach the disk before the restored data is opened.
      fsyncPath(dataDir);
      fsyncPath(aside);
      swapped = true;
    },
    revert: () => {
      if (!present || reverted) return;
      reverted = true;
      const failures: string[] = [];
      const undo = (from: string, to: string) => {
        try {
          ops.rename(from, to);
        } catch (err) {
          failures.push(`${from} -> ${to}: ${err instanceof Error ? err.message : String(err)}`);
        }
      };
      for (const entry of [...movedIn].reverse()) undo(join(dataDir, entry), join(extracted, entry));
      const stayed = new Set([...present].filter((e) => !movedOut.includes(e)));
      for (const entry of entriesOf(dataDir)) {
        if (stayed.has(entry)) continue;
        mkdirSync(strays, { recursive: true });
        undo(join(dataDir, entry), join(strays, entry));
      }
      for (const entry of [...movedOut].reverse()) undo(join(aside, entry), join(dataDir, entry));
      fsyncPath(dataDir);
      if (failures.length > 0) {
        stuck = true;
        throw new Error(`could not put all of the previous data back (what is missing is in ${aside}): ${failures.join('; ')}`);
      }
    },
    cleanup: () => {
      ops.remove(extracted);
      ops.remove(strays);
      // After a swap that failed and was not reverted, or a revert that failed, `aside` holds data.
      if (!stuck && (reverted || swapped || movedOut.length === 0)) ops.remove(aside);
    },
  };
}

/**
 * Prepares a restore of `archive` into `dataDir` (not yet touching it): extracts into `workDir`
 * (bounded, see extractArchive) and checks the databases; returns the swap (see planSwap).
 */
export async function prepareRestore(dataDir: string, archive: string, workDir: string, opts: { progress?: Progress; limits?: Partial<ExtractLimits>; signal?: AbortSignal } = {}): Promise<RestorePlan> {
  const progress = opts.progress ?? (() => undefined);
  const id = `${process.pid}_${Date.now()}`;
  const extracted = join(workDir, `restore_${id}`);
  progress(0.1, 'Extracting the archive');
  await extractArchive(archive, extracted, { progress: (f, step) => progress(0.1 + f * 0.6, step), limits: opts.limits, signal: opts.signal });
  try {
    progress(0.75, 'Checking the databases');
    checkExtracted(extracted);
  } catch (err) {
    rmSync(extracted, { recursive: true, force: true });
    throw err;
  }
  return planSwap(dataDir, extracted, join(workDir, `old_data_${id}`));
}

/** Runs integrity_check on the databases of an extracted archive; throws when one fails. */
export function checkExtracted(dir: string): void {
  for (const name of DB_FILES) if (existsSync(join(dir, name))) checkDatabase(join(dir, name));
}
