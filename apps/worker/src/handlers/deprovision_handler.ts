/** instance.deprovision: stop the tenant, delete its files, then its rows. */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { InstanceStore } from '@burrow/db';
import type { InstanceRuntime } from '@burrow/runtime';
import { ControlRows } from '../control_rows.js';
import type { CheckedPayload } from '../job_payload.js';
import { runtimeId } from './instance_steps.js';
import type { JobHandler, ProgressReporter } from './job_handler.js';
import { stopReplicas } from './litefs_nodes.js';
import type { WorkerSettings } from '../settings.js';
import { INSTANCES, RUNTIME, SETTINGS } from '../tokens.js';

/**
 * Removes an instance the api marked `deleting`. The row goes last, so a crash at any point
 * leaves it `deleting` and the re-run (retry or reconciler) finishes the job.
 */
@Injectable()
export class DeprovisionHandler implements JobHandler<'instance.deprovision'> {
  /** The job this class handles. */
  readonly job = 'instance.deprovision';
  private readonly log = new Logger(DeprovisionHandler.name);

  /** Takes the stores and the runtime. */
  constructor(
    @Inject(INSTANCES) private readonly instances: InstanceStore,
    @Inject(ControlRows) private readonly rows: ControlRows,
    @Inject(RUNTIME) private readonly runtime: InstanceRuntime,
    @Inject(SETTINGS) private readonly settings: WorkerSettings,
  ) {}

  /** Deletes the instance; a row already gone is done, one not `deleting` was not asked to go. */
  async handle({ instanceId, deleteBackups }: CheckedPayload<'instance.deprovision'>, progress: ProgressReporter): Promise<void> {
    const row = await this.instances.byId(instanceId);
    if (!row || row.status !== 'deleting') {
      await progress({ percent: 100, step: row ? `Nothing to do (instance is ${row.status})` : 'Already deleted' });
      return;
    }
    const id = runtimeId(instanceId);
    await progress({ percent: 10, step: 'Removing its read replicas' });
    await stopReplicas(this.instances, this.runtime, instanceId, true);
    await progress({ percent: 20, step: 'Stopping the instance' });
    await this.runtime.stop(id);
    await progress({ percent: 60, step: 'Removing its data' });
    await this.runtime.remove(id);
    if (deleteBackups) {
      // Archives and the Litestream replica on this disk; a replica in an S3-compatible store
      // stays until that store's own lifecycle rules remove it (Litestream cannot delete one).
      await progress({ percent: 80, step: 'Deleting its backups' });
      await rm(join(this.settings.backupsDir, instanceId), { recursive: true, force: true });
    }
    await progress({ percent: 90, step: 'Deleting its records' });
    await this.rows.deleteIfDeleting(instanceId);
    this.log.log(`instance ${row.name} (${instanceId}) deleted`);
    await progress({ percent: 100, step: 'Deleted' });
  }
}
