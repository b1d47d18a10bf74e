/**
 * instance.restore: replaces an instance's data with one of its platform backups. First the
 * current data is archived as the job's `undoName` (restoring that is the undo), then the
 * row is marked `stopped` (the proxy answers 503 and does not wake it), the tenant stopped,
 * the archive swapped in by the runtime (checked first; a bad one changes nothing), and the
 * tenant started again when its power is on. Every step can run twice: a worker killed
 * midway leaves either the old data or the new, and the retried job finishes the rest.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { InstanceStatus } from '@burrow/contracts';
import type { InstanceStore } from '@burrow/db';
import type { InstanceRuntime } from '@burrow/runtime';
import { ControlRows } from '../control_rows.js';
import type { CheckedPayload } from '../job_payload.js';
import type { WorkerSettings } from '../settings.js';
import { TenantAdmin } from '../tenant_admin.js';
import { TenantProbe } from '../tenant_probe.js';
import { bringUp, runtimeId, SETTLED_STATUSES } from './instance_steps.js';
import type { JobHandler, ProgressReporter } from './job_handler.js';
import { INSTANCES, RUNTIME, SETTINGS } from '../tokens.js';

const RESTORABLE = SETTLED_STATUSES;

/** Restores a backup in place, with an undo backup. */
@Injectable()
export class RestoreHandler implements JobHandler<'instance.restore'> {
  /** The job this class handles. */
  readonly job = 'instance.restore';
  private readonly log = new Logger(RestoreHandler.name);

  /** Takes the stores, the runtime, the admin sync, the health probe and where backups are. */
  constructor(
    @Inject(INSTANCES) private readonly instances: InstanceStore,
    @Inject(ControlRows) private readonly rows: ControlRows,
    @Inject(TenantAdmin) private readonly admin: TenantAdmin,
    @Inject(RUNTIME) private readonly runtime: InstanceRuntime,
    @Inject(TenantProbe) private readonly probe: TenantProbe,
    @Inject(SETTINGS) private readonly settings: WorkerSettings,
  ) {}

  /** Runs the restore; an instance gone, deleting or provisioning is left alone. */
  async handle({ instanceId, name, undoName }: CheckedPayload<'instance.restore'>, progress: ProgressReporter): Promise<void> {
    const row = await this.instances.byId(instanceId);
    if (!row || !RESTORABLE.includes(row.status as InstanceStatus)) {
      await progress({ percent: 100, step: row ? `Nothing to do (instance is ${row.status})` : 'Nothing to do (instance is gone)' });
      return;
    }
    const dir = join(this.settings.backupsDir, instanceId);
    const archive = join(dir, name);
    if (!existsSync(archive)) throw new UnrecoverableError(`backup ${name} does not exist`);
    const id = runtimeId(instanceId);
    const undo = join(dir, undoName);
    if (!existsSync(undo)) {
      await progress({ percent: 10, step: 'Keeping the current data as a backup (undo)' });
      await this.runtime.backup(id, undo, { onProgress: (f, step) => void progress({ percent: Math.round(10 + f * 30), step }).catch(() => undefined) });
    }
    await progress({ percent: 45, step: 'Stopping the instance' });
    await this.instances.moveStatus(instanceId, RESTORABLE, 'stopped');
    await this.runtime.stop(id);
    await progress({ percent: 55, step: `Restoring ${name}` });
    await this.runtime.restore(id, archive);
    this.log.log(`instance ${row.name} (${instanceId}) restored from ${name} (undo: ${undoName})`);
    const current = await this.instances.byId(instanceId);
    if (current?.power !== 'on') {
      await progress({ percent: 100, step: 'Restored (the instance stays off)' });
      return;
    }
    await bringUp({ instances: this.instances, rows: this.rows, admin: this.admin, runtime: this.runtime, probe: this.probe }, current, progress,
      { sync: 75, syncStep: 'Syncing the admin account', start: 85, wait: 92 });
    await this.instances.moveStatus(instanceId, ['stopped'], 'running');
    await progress({ percent: 100, step: 'Restored and running' });
  }
}
