/**
 * instance.deploy: the app's own code (hooks/, migrations/) from a bundle the api stored, put
 * into the instance's data dir where it lives (the tenant's `deploy apply`, through the
 * runtime), then the instance restarted onto it. A deploy that does not start is rolled back
 * (`deploy rollback`) and the instance started on the previous code; the job then fails with
 * the reason (the tenant's own error: the file and what is wrong with it).
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { InstanceStatus } from '@burrow/contracts';
import type { InstanceStore } from '@burrow/db';
import type { InstanceRuntime } from '@burrow/runtime';
import type { CheckedPayload } from '../job_payload.js';
import type { WorkerSettings } from '../settings.js';
import { INSTANCES, RUNTIME, SETTINGS } from '../tokens.js';
import { runtimeId, SETTLED_STATUSES } from './instance_steps.js';
import { InstanceStarter } from './instance_starter.js';
import type { JobHandler, ProgressReporter } from './job_handler.js';

@Injectable()
export class DeployHandler implements JobHandler<'instance.deploy'> {
  /** The job this class handles. */
  readonly job = 'instance.deploy';
  private readonly log = new Logger(DeployHandler.name);

  /** Takes the instance rows, what starts and stops instances, the runtime and where bundles are. */
  constructor(
    @Inject(INSTANCES) private readonly instances: InstanceStore,
    @Inject(InstanceStarter) private readonly starter: InstanceStarter,
    @Inject(RUNTIME) private readonly runtime: InstanceRuntime,
    @Inject(SETTINGS) private readonly settings: WorkerSettings,
  ) {}

  /** Applies the bundle and restarts onto it (powered-off instances get the code for their next start). */
  async handle({ instanceId, deployId }: CheckedPayload<'instance.deploy'>, progress: ProgressReporter): Promise<void> {
    const file = join(this.settings.deploysDir, instanceId, `${deployId}.json`);
    const row = await this.instances.byId(instanceId);
    if (!row || !SETTLED_STATUSES.includes(row.status as InstanceStatus)) {
      await rm(file, { force: true });
      await progress({ percent: 100, step: row ? `Nothing to do (instance is ${row.status})` : 'Nothing to do (instance is gone)' });
      return;
    }
    const bundle = await readFile(file, 'utf8').catch(() => undefined);
    if (bundle === undefined) throw new UnrecoverableError(`the deploy ${deployId} is no longer stored (was it already applied?)`);
    const id = runtimeId(instanceId);
    await progress({ percent: 10, step: 'Installing the code' });
    try {
      await this.runtime.tenantCommand(id, ['deploy', 'apply'], { stdin: bundle });
    } catch (err) {
      throw new UnrecoverableError(`the bundle was refused: ${describe(err)}`);
    }
    await rm(file, { force: true });
    if (row.power === 'off') {
      await progress({ percent: 100, step: 'Installed (the instance is off: its next start runs it)' });
      return;
    }
    await progress({ percent: 30, step: 'Restarting onto the new code' });
    // Replicas run the primary's code too: stopped with it, started again with it.
    if (await this.instances.moveStatus(instanceId, SETTLED_STATUSES, 'stopped')) await this.starter.stop(instanceId);
    try {
      await this.starter.bringUp(row, progress, { sync: 40, syncStep: 'Syncing the admin account', start: 50, wait: 70 });
    } catch (err) {
      const reason = describe(err);
      this.log.warn(`deploy ${deployId} of ${row.name} did not start; rolling back: ${reason}`);
      await progress({ percent: 80, step: 'The new code did not start: rolling back' });
      await this.starter.stop(instanceId);
      await this.runtime.tenantCommand(id, ['deploy', 'rollback']);
      await this.starter.bringUp(row, progress, { sync: 85, syncStep: 'Syncing the admin account', start: 90, wait: 95 });
      await this.instances.moveStatus(instanceId, SETTLED_STATUSES, 'running');
      throw new UnrecoverableError(`the deploy did not start and was rolled back (the instance runs the previous code): ${reason}`);
    }
    await this.instances.moveStatus(instanceId, SETTLED_STATUSES, 'running');
    await progress({ percent: 100, step: 'Deployed' });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
