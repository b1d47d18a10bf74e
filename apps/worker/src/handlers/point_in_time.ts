/**
 * Making a backup archive of an instance as it was at a moment, from its continuous backup:
 * Litestream restores the database as of then into a scratch dir next to the instance's
 * backups, and the runtime archives it with the instance's current auxiliary.db and storage/
 * (checked like any backup). Files are not versioned: the archive holds today's files.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UnrecoverableError } from 'bullmq';
import type { ControlInstanceId } from '@burrow/db';
import { litestreamBinary, platformReplica, PointInTimeError, restoreAt } from '@burrow/litestream';
import type { InstanceRuntime } from '@burrow/runtime';
import type { WorkerSettings } from '../settings.js';
import { runtimeId } from './instance_steps.js';
import { removeStale } from './stale_files.js';
import type { ProgressReporter } from './job_handler.js';

/** Where `at` is restored and archived; `percent` is the job's progress span for this step. */
export interface PointInTimeStep {
  runtime: InstanceRuntime;
  settings: WorkerSettings;
  source: ControlInstanceId;
  at: Date;
  archive: string;
  progress: ProgressReporter;
  percent: { from: number; to: number };
}

/** Writes `archive` (unless it exists: a retried job) as `source` was at `at`. */
export async function archivePointInTime(step: PointInTimeStep): Promise<void> {
  if (existsSync(step.archive)) return;
  const { runtime, settings, source, at, progress, percent } = step;
  const dir = join(settings.backupsDir, source);
  await mkdir(dir, { recursive: true });
  await removeStale(dir, (n) => n.startsWith('.pitr-'));
  const scratch = await mkdtemp(join(dir, '.pitr-'));
  try {
    await progress({ percent: percent.from, step: `Restoring the database as of ${at.toISOString()}` });
    const { target } = platformReplica(settings.replicaStore, source);
    try {
      await restoreAt(litestreamBinary(), target, at, join(scratch, 'data.db'), scratch);
    } catch (err) {
      // A moment outside the replica's span cannot become possible by retrying.
      if (err instanceof PointInTimeError) throw new UnrecoverableError(err.message);
      throw err;
    }
    const span = percent.to - percent.from;
    await runtime.backup(runtimeId(source), step.archive, {
      databaseDir: scratch,
      // Restored right away (and kept only as a record of the moment): zipping 1 GiB at deflate
      // level 1 took ~35 s of a ~100 s point-in-time restore (bench/backups), storing ~5 s.
      store: true,
      onProgress: (f, name) => void progress({ percent: Math.round(percent.from + span * (0.3 + 0.7 * f)), step: name }).catch(() => undefined),
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
