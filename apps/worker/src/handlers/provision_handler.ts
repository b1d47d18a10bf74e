/** instance.provision: data dir, owner as superuser, tenant started and answering, then `running`. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { InstanceStatus } from '@burrow/contracts';
import type { ControlInstanceId, InstanceStore } from '@burrow/db';
import type { InstanceRuntime } from '@burrow/runtime';
import type { CheckedPayload } from '../job_payload.js';
import { TenantAdmin } from '../tenant_admin.js';
import { archivePointInTime } from './point_in_time.js';
import { runtimeId } from './instance_steps.js';
import { InstanceStarter } from './instance_starter.js';
import type { JobHandler, ProgressReporter } from './job_handler.js';
import type { WorkerSettings } from '../settings.js';
import { INSTANCES, RUNTIME, SETTINGS } from '../tokens.js';

/** States a provision may (re)start from; `failed` lets a failed instance be provisioned again. */
const PROVISIONABLE: readonly InstanceStatus[] = ['provisioning', 'failed'];

/** Brings a new instance up. Every step is idempotent, so a re-run after a crash just finishes. */
@Injectable()
export class ProvisionHandler implements JobHandler<'instance.provision'> {
  /** The job this class handles. */
  readonly job = 'instance.provision';
  private readonly log = new Logger(ProvisionHandler.name);

  /** Takes the instance rows, what starts instances, the admin sync (data dirs), the runtime and where backups are. */
  constructor(
    @Inject(INSTANCES) private readonly instances: InstanceStore,
    @Inject(InstanceStarter) private readonly starter: InstanceStarter,
    @Inject(TenantAdmin) private readonly admin: TenantAdmin,
    @Inject(RUNTIME) private readonly runtime: InstanceRuntime,
    @Inject(SETTINGS) private readonly settings: WorkerSettings,
  ) {}

  /** Provisions the instance; a missing, deleting or already provisioned one needs nothing. */
  async handle({ instanceId, fromBackup }: CheckedPayload<'instance.provision'>, progress: ProgressReporter): Promise<void> {
    const row = await this.instances.byId(instanceId);
    if (!row || !PROVISIONABLE.includes(row.status as InstanceStatus)) {
      // Gone or being deleted: nothing to build. running/stopped/sleeping: a previous run finished.
      await progress({ percent: 100, step: row ? `Nothing to do (instance is ${row.status})` : 'Nothing to do (instance is gone)' });
      return;
    }
    await progress({ percent: 10, step: 'Preparing data directory' });
    await this.admin.prepare(instanceId);
    if (fromBackup) {
      // A copy of another instance: its backup becomes this one's data (checked first). A retry
      // after a start that did not finish stops that start before swapping again.
      const archive = join(this.settings.backupsDir, fromBackup.instanceId, fromBackup.name);
      if (fromBackup.pointInTime !== undefined) {
        const source = fromBackup.instanceId as ControlInstanceId; // checked by checkJob (parseId)
        await archivePointInTime({ runtime: this.runtime, settings: this.settings, source, at: new Date(fromBackup.pointInTime), archive, progress, percent: { from: 12, to: 18 } });
      }
      if (!existsSync(archive)) throw new UnrecoverableError(`backup ${fromBackup.name} of ${fromBackup.instanceId} does not exist`);
      await progress({ percent: 20, step: `Restoring ${fromBackup.name}` });
      await this.runtime.stop(runtimeId(instanceId));
      await this.runtime.restore(runtimeId(instanceId), archive);
    }
    const endpoint = await this.starter.bringUp(row, progress, { sync: 40, syncStep: 'Creating the admin account', start: 70, wait: 90 });
    if (!(await this.instances.moveStatus(instanceId, PROVISIONABLE, 'running'))) {
      // A delete arrived meanwhile: its deprovision job stops and removes what was started.
      await progress({ percent: 100, step: 'Superseded (instance is being deleted)' });
      return;
    }
    // Re-read after the move: a power change written before it is seen here, one written
    // after it finds `running` and is applied by its own power job.
    const fresh = await this.instances.byId(instanceId);
    if (fresh?.power === 'off') {
      await progress({ percent: 95, step: 'Stopping (power is off)' });
      await this.runtime.stop(runtimeId(instanceId));
      await this.instances.moveStatus(instanceId, ['running'], 'stopped');
      await progress({ percent: 100, step: 'Stopped' });
      return;
    }
    this.log.log(`instance ${row.name} (${instanceId}) is running at ${endpoint.url}`);
    await progress({ percent: 100, step: 'Running' });
  }
}
