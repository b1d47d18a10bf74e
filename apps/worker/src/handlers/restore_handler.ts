/**
 * instance.restore: replaces an instance's data with one of its platform backups. The row is
 * marked `stopped` (the proxy answers 503 and does not wake it) and the tenant stopped; the
 * current data is archived as the job's `undoName` (restoring that is the undo); the archive
 * is swapped in by the runtime (checked first; a bad one changes nothing) and a marker
 * written; the tenant starts again when its power is on, also after a failure. Every step can
 * run twice: a worker killed midway leaves either the old data or the new, the retried job
 * finishes the rest, and a re-delivered finished job never swaps again.
 */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { InstanceStatus } from '@burrow/contracts';
import type { ControlInstanceId, InstanceStore } from '@burrow/db';
import type { InstanceRuntime } from '@burrow/runtime';
import type { CheckedPayload } from '../job_payload.js';
import type { WorkerSettings } from '../settings.js';
import { runtimeId, SETTLED_STATUSES } from './instance_steps.js';
import { archivePointInTime } from './point_in_time.js';
import { InstanceStarter } from './instance_starter.js';
import type { JobHandler, ProgressReporter } from './job_handler.js';
import { INSTANCES, RUNTIME, SETTINGS } from '../tokens.js';

const RESTORABLE = SETTLED_STATUSES;

/** Restores a backup in place, with an undo backup. */
@Injectable()
export class RestoreHandler implements JobHandler<'instance.restore'> {
  /** The job this class handles. */
  readonly job = 'instance.restore';
  private readonly log = new Logger(RestoreHandler.name);

  /** Takes the instance rows, what starts instances, the runtime and where backups are. */
  constructor(
    @Inject(INSTANCES) private readonly instances: InstanceStore,
    @Inject(InstanceStarter) private readonly starter: InstanceStarter,
    @Inject(RUNTIME) private readonly runtime: InstanceRuntime,
    @Inject(SETTINGS) private readonly settings: WorkerSettings,
  ) {}

  /** Runs the restore; an instance gone, deleting or provisioning is left alone. */
  async handle({ instanceId, name, undoName, pointInTime }: CheckedPayload<'instance.restore'>, progress: ProgressReporter): Promise<void> {
    const row = await this.instances.byId(instanceId);
    if (!row || !RESTORABLE.includes(row.status as InstanceStatus)) {
      await progress({ percent: 100, step: row ? `Nothing to do (instance is ${row.status})` : 'Nothing to do (instance is gone)' });
      return;
    }
    const dir = join(this.settings.backupsDir, instanceId);
    const archive = join(dir, name);
    const undo = join(dir, undoName);
    // Written once the data is swapped: a re-delivered job (worker killed after it finished)
    // must not restore the old archive again over what users wrote since.
    const swapped = join(dir, `${undoName}.restored`);
    const id = runtimeId(instanceId);
    if (!existsSync(swapped)) {
      if (!existsSync(archive) && pointInTime === undefined) {
        await this.bringBack(instanceId, progress);
        throw new UnrecoverableError(`backup ${name} does not exist`);
      }
      // Stopped first, so the undo holds every write up to the swap.
      await progress({ percent: 10, step: 'Stopping the instance' });
      if (!(await this.instances.moveStatus(instanceId, RESTORABLE, 'stopped'))) {
        await progress({ percent: 100, step: 'Superseded (the instance changed meanwhile)' });
        return;
      }
      await this.runtime.stop(id);
      if (!existsSync(undo)) {
        await progress({ percent: 20, step: 'Keeping the current data as a backup (undo)' });
        await this.runtime.backup(id, undo, { onProgress: (f, step) => void progress({ percent: Math.round(20 + f * 30), step }).catch(() => undefined) });
      }
      try {
        // After the stop: Litestream's final sync has shipped every write up to now.
        if (pointInTime !== undefined) {
          await archivePointInTime({ runtime: this.runtime, settings: this.settings, source: instanceId, at: new Date(pointInTime), archive, progress, percent: { from: 50, to: 70 } });
        }
        await progress({ percent: 72, step: `Restoring ${name}` });
        await this.runtime.restore(id, archive);
      } catch (err) {
        // Nothing was swapped (a bad archive, a moment out of range, a full disk): the previous
        // data serves again. Its undo goes: users may write before a retry, which then takes a
        // fresh one (a kept undo would miss those writes).
        await rm(undo, { force: true });
        await this.bringBack(instanceId, progress);
        throw err;
      }
      await writeFile(swapped, new Date().toISOString());
      this.log.log(`instance ${row.name} (${instanceId}) restored from ${name} (undo: ${undoName})`);
    }
    await this.bringBack(instanceId, progress);
    await progress({ percent: 100, step: 'Restored' });
  }

  // Starts the stopped instance again when its power is on (after the swap, or after a failure
  // that left the old data in place).
  private async bringBack(instanceId: ControlInstanceId, progress: ProgressReporter): Promise<void> {
    const current = await this.instances.byId(instanceId);
    if (current?.power !== 'on' || current.status !== 'stopped') return;
    await this.starter.bringUp(current, progress,
      { sync: 80, syncStep: 'Syncing the admin account', start: 86, wait: 92 });
    await this.instances.moveStatus(instanceId, ['stopped'], 'running');
  }
}
