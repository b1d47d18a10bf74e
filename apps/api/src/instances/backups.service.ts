/**
 * Platform backups of an instance (DESIGN.md §5): archives under
 * `<backupsDir>/<instanceId>/<name>.zip`, taken by the worker's `instance.backup` job whether
 * the instance runs or sleeps. The api lists, queues, serves and deletes them; every call is
 * scoped to the caller's own instance (someone else's answers 404).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, type ReadStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { generateBackupName, isValidBackupName } from '@burrow/backup';
import cronParser from 'cron-parser';
import type { PlatformConfig } from '@burrow/config';
import type { ControlDb } from '@burrow/db';
import type { JobProducer } from '@burrow/jobs';
import { ApiError } from '../common/api_error.js';
import { CLOCK, CONFIG, DB, JOBS, type Clock } from '../common/tokens.js';
import type { AuthContext } from '../auth/auth_context.js';
import { InstancesService } from './instances.service.js';
import type { InstanceView } from './instance_view.js';

/** One archive as the API shows it. */
export interface BackupView {
  name: string;
  size: number;
  createdAt: string;
}

const { parseExpression } = cronParser;

/** A backup schedule as the API shows it. */
export interface BackupSchedule {
  cron: string | null;
  keep: number;
  /** The next run (ISO time), null without a schedule. */
  next: string | null;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};

/** Why a schedule expression is refused, or undefined when it is fine. */
export function cronProblem(raw: string, minIntervalSec: number): { code: string; message: string } | undefined {
  const expr = MACROS[raw.trim()] ?? raw.trim();
  // 5 fields (minute precision); a 6th (seconds) only where the minimum interval allows it (tests).
  const fields = expr.split(/\s+/).length;
  if (fields !== 5 && !(fields === 6 && minIntervalSec < 60)) {
    return { code: 'validation_invalid_cron', message: 'Use 5 fields (minute hour day month weekday) or a macro such as @daily.' };
  }
  try {
    const it = parseExpression(expr, { utc: true });
    // Every gap counts, not only the next few: `0,10,20,21 * * * *` runs twice a minute apart
    // once an hour, `0,1 0 1 6 *` once a year. A year of runs (at most 1000) covers every
    // month, day and weekday combination.
    let previous = it.next().getTime();
    const horizon = previous + 400 * 24 * 3600_000;
    for (let i = 0; i < 1000; i++) {
      const next = it.next().getTime();
      if (next - previous < minIntervalSec * 1000) {
        return { code: 'validation_cron_too_frequent', message: `Backups can run at most every ${minIntervalSec} seconds.` };
      }
      if (next > horizon) break;
      previous = next;
    }
  } catch (err) {
    // cron-parser ends the iteration with an error past the last run of a finite pattern
    if (err instanceof Error && /Out of the timespan range/i.test(err.message)) return undefined;
    return { code: 'validation_invalid_cron', message: `Invalid cron expression: ${err instanceof Error ? err.message : String(err)}` };
  }
  return undefined;
}

/**
 * `<prefix>_<yyyymmddhhmmss>_<random>.zip`, a name the platform gives (undo of a restore,
 * point in time): two requests within a second are two backups and two jobs.
 */
export function platformBackupName(prefix: 'pre_restore' | 'pitr', at: Date): string {
  return generateBackupName('', prefix, at).replace('.zip', `_${randomBytes(3).toString('hex')}.zip`);
}

/** A queued backup. */
export interface BackupQueued {
  name: string;
  jobId: string;
}

const INVALID_NAME = { name: { code: 'validation_invalid_backup_name', message: 'Use lowercase letters, digits, "_" and "-", ending in .zip (at most 150 characters).' } };
const NAME_TAKEN = { name: { code: 'validation_backup_name_exists', message: 'A backup with this name already exists.' } };
const RESERVED_PREFIXES = ['auto_', 'pre_restore_', 'pitr_'];
const RESERVED_NAME = { name: { code: 'validation_reserved_backup_name', message: 'Names starting with auto_, pre_restore_ or pitr_ are given by the platform.' } };

/** Backup use cases. */
@Injectable()
export class BackupsService {
  constructor(
    @Inject(InstancesService) private readonly instances: InstancesService,
    @Inject(DB) private readonly db: ControlDb,
    @Inject(JOBS) private readonly jobs: JobProducer,
    @Inject(CONFIG) private readonly config: PlatformConfig,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  private dir(instanceId: string): string {
    return join(this.config.backupsDir, instanceId);
  }

  /** The instance's archives, newest first. */
  async list(auth: AuthContext, id: string): Promise<BackupView[]> {
    const row = await this.instances.owned(auth, id);
    const dir = this.dir(row.id);
    if (!existsSync(dir)) return [];
    const names = (await readdir(dir)).filter(isValidBackupName);
    const views = await Promise.all(names.map(async (name) => {
      const st = await stat(join(dir, name)).catch(() => undefined);
      return st?.isFile() ? { name, size: st.size, createdAt: st.mtime.toISOString() } : undefined;
    }));
    return views.filter((v): v is BackupView => v !== undefined).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.name.localeCompare(a.name));
  }

  /** Queues a backup now (a name is generated when none is given). */
  async create(auth: AuthContext, id: string, name: string | undefined): Promise<BackupQueued> {
    const row = await this.instances.owned(auth, id);
    if (row.status === 'deleting') throw ApiError.conflict('This instance is being deleted.');
    if (row.status === 'provisioning') throw ApiError.conflict('This instance is not ready yet.');
    const backupName = name ?? generateBackupName(row.name, 'burrow_', this.now());
    if (!isValidBackupName(backupName)) throw ApiError.badRequest('Failed to start the backup.', INVALID_NAME);
    // Names the platform gives (scheduled: pruned by retention; undo of a restore) are not for manual backups.
    if (name !== undefined && RESERVED_PREFIXES.some((p) => name.startsWith(p))) throw ApiError.badRequest('Failed to start the backup.', RESERVED_NAME);
    if (existsSync(join(this.dir(row.id), backupName))) throw ApiError.badRequest('Failed to start the backup.', NAME_TAKEN);
    await this.jobs.requireAvailable();
    const runId = await this.jobs.enqueue('instance.backup', { instanceId: row.id, name: backupName }, row.hostId);
    return { name: backupName, jobId: runId };
  }

  /**
   * Queues a restore in place: the worker first keeps the current data as the backup
   * `undoName` (returned), then swaps this one in and starts the instance again.
   */
  async restore(auth: AuthContext, id: string, name: string): Promise<{ name: string; undoName: string; jobId: string }> {
    const row = await this.instances.owned(auth, id);
    if (row.status === 'deleting') throw ApiError.conflict('This instance is being deleted.');
    if (row.status === 'provisioning') throw ApiError.conflict('This instance is not ready yet.');
    if (!isValidBackupName(name) || !existsSync(join(this.dir(row.id), name))) throw ApiError.notFound('Backup not found.');
    await this.instances.assertNotReplicated(row, 'Restoring in place');
    await this.jobs.requireAvailable();
    const undoName = platformBackupName('pre_restore', this.now());
    const runId = await this.jobs.enqueue('instance.restore', { instanceId: row.id, name, undoName }, row.hostId);
    return { name, undoName, jobId: runId };
  }

  /** The instance's backup schedule and when it runs next. */
  async schedule(auth: AuthContext, id: string): Promise<BackupSchedule> {
    const row = await this.instances.owned(auth, id);
    const next = row.backupCron ? await this.jobs.nextScheduledBackup(row.id, row.hostId).catch(() => undefined) : undefined;
    return { cron: row.backupCron, keep: row.backupKeep, next: next?.toISOString() ?? null };
  }

  /**
   * Sets (cron null: removes) the schedule: a standard 5-field cron expression or a macro, in
   * UTC, at least BACKUP_MIN_INTERVAL apart; `keep` scheduled archives are kept (1-100).
   */
  async setSchedule(auth: AuthContext, id: string, cron: string | null, keep: number | undefined): Promise<BackupSchedule> {
    const row = await this.instances.owned(auth, id);
    if (row.status === 'deleting') throw ApiError.conflict('This instance is being deleted.');
    if (cron !== null) {
      const problem = cronProblem(cron, this.config.backupMinIntervalSec);
      if (problem) throw ApiError.badRequest('Failed to set the backup schedule.', { cron: problem });
    }
    await this.jobs.requireAvailable();
    await this.db.instance.update({ where: { id: row.id }, data: { backupCron: cron, backupKeep: keep ?? row.backupKeep, updatedAt: this.now() } });
    try {
      await this.jobs.scheduleBackups(row.id, row.hostId, cron);
    } catch (err) {
      // The row and the scheduler stay in step: undo the row when Redis refused the change.
      await this.db.instance.update({ where: { id: row.id }, data: { backupCron: row.backupCron, backupKeep: row.backupKeep } });
      throw err;
    }
    // A delete that marked the row after it was read above removed the scheduler before this
    // call set it again: read once more, so no scheduler outlives its instance.
    const after = await this.db.instance.findUnique({ where: { id: row.id }, select: { status: true } });
    if (cron !== null && (after === null || after.status === 'deleting')) {
      await this.jobs.scheduleBackups(row.id, row.hostId, null);
      throw ApiError.conflict('This instance is being deleted.');
    }
    return this.schedule(auth, id);
  }

  /** A stream of one archive. */
  async open(auth: AuthContext, id: string, name: string): Promise<{ stream: ReadStream; size: number }> {
    const row = await this.instances.owned(auth, id);
    if (!isValidBackupName(name)) throw ApiError.notFound('Backup not found.');
    const path = join(this.dir(row.id), name);
    const st = await stat(path).catch(() => undefined);
    if (!st?.isFile()) throw ApiError.notFound('Backup not found.');
    return { stream: createReadStream(path), size: st.size };
  }

  /**
   * Creates a new instance (the caller's, under their quota) from one of this instance's
   * backups: a copy under another name; the source is not touched.
   */
  async restoreAsNew(auth: AuthContext, id: string, name: string, newName: string): Promise<InstanceView> {
    const row = await this.instances.owned(auth, id);
    if (!isValidBackupName(name) || !existsSync(join(this.dir(row.id), name))) throw ApiError.notFound('Backup not found.');
    return this.instances.create(auth, newName, { instanceId: row.id, name });
  }

  /** Deletes one archive. */
  async remove(auth: AuthContext, id: string, name: string): Promise<void> {
    const row = await this.instances.owned(auth, id);
    if (!isValidBackupName(name)) throw ApiError.notFound('Backup not found.');
    const path = join(this.dir(row.id), name);
    if (!existsSync(path)) throw ApiError.notFound('Backup not found.');
    await rm(path, { force: true });
  }
}
