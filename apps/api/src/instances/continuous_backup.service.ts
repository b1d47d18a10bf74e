/**
 * Continuous backup (Litestream) of an instance and restores to a point in time. The setting
 * applies at the tenant's start: turning it on or off restarts a running instance. A restore
 * to a moment is the worker's `instance.restore` job with `pointInTime`: it first makes the
 * backup `pitr_<moment>_<random>.zip` (the database as of then, today's files), then restores
 * it in place like any backup, with an undo.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PlatformConfig } from '@burrow/config';
import type { ControlDb } from '@burrow/db';
import type { JobProducer } from '@burrow/jobs';
import { litestreamBinary, platformReplica, restoreWindow, type RestoreWindow } from '@burrow/litestream';
import { ApiError } from '../common/api_error.js';
import { CLOCK, CONFIG, DB, JOBS, type Clock } from '../common/tokens.js';
import type { AuthContext } from '../auth/auth_context.js';
import { platformBackupName } from './backups.service.js';
import { InstancesService } from './instances.service.js';
import type { InstanceView } from './instance_view.js';

/** Continuous backup as the API shows it. */
export interface ContinuousBackupView {
  enabled: boolean;
  /** `file` (the platform's backups dir) or `s3` (an S3-compatible store). */
  storage: 'file' | 's3';
  /** How far back restores can go at most. */
  retentionHours: number;
  /** The span a restore can pick from (ISO, to the second); null while the replica is empty. */
  earliest: string | null;
  latest: string | null;
}

/** A queued point-in-time restore. */
export interface PointInTimeQueued {
  /** The backup the job makes and restores. */
  name: string;
  /** The backup of the data before the restore (restore it to undo). */
  undoName: string;
  jobId: string;
  /** The moment restored. */
  time: string;
}

const NOT_BUSY = ['deleting', 'provisioning'];
/** A moment this far past the clock is still "now" (clocks of browser and server differ). */
const FUTURE_SLACK_MS = 60_000;

/** Longer than this without a generation, or past the last one, Litestream was not running. */
const GAP_SLACK_MS = 60_000;

/**
 * Why `at` cannot be restored faithfully, or undefined: a span between two generations (continuous
 * backup was off or failing, so writes there were not shipped), or a moment after the newest
 * replicated one while continuous backup is off (nothing after it was shipped). While it is on, a
 * moment after the newest is "nothing changed since" (an idle or sleeping instance ships nothing).
 */
export function uncoveredSpan(window: RestoreWindow, at: Date, enabled: boolean): string | undefined {
  const gens = [...window.generations].sort((a, b) => a.start.getTime() - b.start.getTime());
  for (let i = 1; i < gens.length; i++) {
    const end = gens[i - 1]!.end.getTime();
    const start = gens[i]!.start.getTime();
    if (start - end > GAP_SLACK_MS && at.getTime() > end + 1_000 && at.getTime() < start) {
      return `Continuous backup was not running from ${new Date(end).toISOString()} to ${new Date(start).toISOString()}: pick a moment outside that span.`;
    }
  }
  if (!enabled && window.latest && at.getTime() > window.latest.getTime() + GAP_SLACK_MS) {
    return `Continuous backup is off: the newest restorable moment is ${window.latest.toISOString()}.`;
  }
  return undefined;
}

/** Continuous backup use cases. */
@Injectable()
export class ContinuousBackupService {
  private readonly log = new Logger(ContinuousBackupService.name);

  constructor(
    @Inject(InstancesService) private readonly instances: InstancesService,
    @Inject(DB) private readonly db: ControlDb,
    @Inject(JOBS) private readonly jobs: JobProducer,
    @Inject(CONFIG) private readonly config: PlatformConfig,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  /** The setting and the span a restore can pick from. */
  async get(auth: AuthContext, id: string): Promise<ContinuousBackupView> {
    const row = await this.instances.owned(auth, id);
    // The setting still shows when the store cannot be read: the span is then unknown (null).
    const window: RestoreWindow = await this.window(row.id).catch(() => ({ generations: [] }));
    return {
      enabled: row.continuousBackup,
      storage: this.config.continuousBackup.s3 ? 's3' : 'file',
      retentionHours: this.config.continuousBackup.retentionHours,
      earliest: window.earliest?.toISOString() ?? null,
      latest: window.latest?.toISOString() ?? null,
    };
  }

  /** Turns it on or off; a running instance restarts to apply it. */
  async set(auth: AuthContext, id: string, enabled: boolean): Promise<ContinuousBackupView> {
    const row = await this.instances.owned(auth, id);
    if (NOT_BUSY.includes(row.status)) throw ApiError.conflict(row.status === 'deleting' ? 'This instance is being deleted.' : 'This instance is not ready yet.');
    if (enabled && !row.continuousBackup && this.config.runtime === 'docker') {
      throw ApiError.badRequest('Continuous backup is not available on this platform yet.', {
        enabled: { code: 'validation_not_supported', message: 'Instances run as Docker containers here, which do not support continuous backup yet; scheduled backups work.' },
      });
    }
    if (enabled && !row.continuousBackup) await this.instances.assertNotReplicated(row, 'Continuous backup');
    if (row.continuousBackup !== enabled) {
      await this.jobs.requireAvailable();
      await this.db.instance.update({ where: { id: row.id }, data: { continuousBackup: enabled, updatedAt: this.now() } });
      // Running: restarted now. Sleeping: its next wake applies it, but a wake that read the row
      // just before this update may be starting it with the old setting: the job restarts it then.
      if (row.status === 'running' || row.status === 'sleeping') {
        try {
          await this.jobs.enqueue('instance.power', { instanceId: row.id, power: 'on', restart: true }, row.hostId);
        } catch (err) {
          await this.db.instance.update({ where: { id: row.id }, data: { continuousBackup: row.continuousBackup } });
          throw err;
        }
      }
    }
    return this.get(auth, id);
  }

  /** Queues a restore in place of the instance as it was at `time`. */
  async restore(auth: AuthContext, id: string, time: string): Promise<PointInTimeQueued> {
    const row = await this.instances.owned(auth, id);
    if (NOT_BUSY.includes(row.status)) throw ApiError.conflict(row.status === 'deleting' ? 'This instance is being deleted.' : 'This instance is not ready yet.');
    const at = await this.checkedMoment(row.id, time, row.continuousBackup);
    await this.instances.assertNotReplicated(row, 'Restoring in place');
    await this.jobs.requireAvailable();
    await mkdir(join(this.config.backupsDir, row.id), { recursive: true });
    const name = platformBackupName('pitr', at);
    const undoName = platformBackupName('pre_restore', this.now());
    const jobId = await this.jobs.enqueue('instance.restore', { instanceId: row.id, name, undoName, pointInTime: at.toISOString() }, row.hostId);
    return { name, undoName, jobId, time: at.toISOString() };
  }

  /** Creates a new instance (the caller's, under their quota) from this one as it was at `time`. */
  async restoreAsNew(auth: AuthContext, id: string, time: string, newName: string): Promise<InstanceView> {
    const row = await this.instances.owned(auth, id);
    const at = await this.checkedMoment(row.id, time, row.continuousBackup);
    return this.instances.create(auth, newName, { instanceId: row.id, name: platformBackupName('pitr', at), pointInTime: at.toISOString() });
  }

  /** The replica's span; an unreadable replica (store down, credentials refused) is a 503. */
  private async window(instanceId: string): Promise<RestoreWindow> {
    const { target } = platformReplica({ backupsDir: this.config.backupsDir, ...this.config.continuousBackup }, instanceId);
    try {
      return await restoreWindow(litestreamBinary(), target, this.config.backupsDir);
    } catch (err) {
      this.log.warn(`cannot read the continuous backup of ${instanceId}: ${err instanceof Error ? err.message : String(err)}`);
      throw ApiError.unavailable('The continuous backup store cannot be read right now.', 30);
    }
  }

  /** `time` parsed and inside what the replica holds; a clear 400 otherwise. */
  private async checkedMoment(instanceId: string, time: string, enabled: boolean): Promise<Date> {
    const at = new Date(time);
    if (!/^\d{4}-\d\d-\d\dT/.test(time) || Number.isNaN(at.getTime())) {
      throw ApiError.badRequest('Failed to restore.', { time: { code: 'validation_invalid_time', message: 'Use an ISO 8601 time such as 2026-01-31T12:00:00Z.' } });
    }
    if (at.getTime() > this.now().getTime() + FUTURE_SLACK_MS) {
      throw ApiError.badRequest('Failed to restore.', { time: { code: 'validation_time_in_future', message: 'The time is in the future.' } });
    }
    const window = await this.window(instanceId);
    if (!window.earliest) {
      throw ApiError.badRequest('Failed to restore.', { time: { code: 'validation_no_continuous_backup', message: 'Continuous backup holds nothing for this instance yet.' } });
    }
    if (at < window.earliest) {
      throw ApiError.badRequest('Failed to restore.', { time: { code: 'validation_time_too_early', message: `The earliest restorable time is ${window.earliest.toISOString()}.` } });
    }
    const gap = uncoveredSpan(window, at, enabled);
    if (gap) throw ApiError.badRequest('Failed to restore.', { time: { code: 'validation_time_not_covered', message: gap } });
    return at;
  }
}
