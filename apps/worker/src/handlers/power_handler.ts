/** instance.power: start or stop the tenant to match the instance's desired power. */
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { InstanceStatus } from '@burrow/contracts';
import type { InstanceStore } from '@burrow/db';
import type { CheckedPayload } from '../job_payload.js';
import { SETTLED_STATUSES } from './instance_steps.js';
import { InstanceStarter } from './instance_starter.js';
import type { JobHandler, ProgressReporter } from './job_handler.js';
import { INSTANCES } from '../tokens.js';

const POWERABLE = SETTLED_STATUSES;

/**
 * Converges the tenant to the row's `power`, which is at least as new as the payload (the api
 * writes the row, then queues): after a quick on/off/on only the last wish counts, whichever
 * job runs last.
 */
@Injectable()
export class PowerHandler implements JobHandler<'instance.power'> {
  /** The job this class handles. */
  readonly job = 'instance.power';
  private readonly log = new Logger(PowerHandler.name);

  /** Takes the instance rows and what starts and stops instances. */
  constructor(
    @Inject(INSTANCES) private readonly instances: InstanceStore,
    @Inject(InstanceStarter) private readonly starter: InstanceStarter,
  ) {}

  /** Starts (and re-syncs the admin) or stops the tenant; missing, deleting or provisioning: nothing. */
  async handle({ instanceId, power, restart }: CheckedPayload<'instance.power'>, progress: ProgressReporter): Promise<void> {
    const row = await this.instances.byId(instanceId);
    if (!row || !POWERABLE.includes(row.status as InstanceStatus)) {
      await progress({ percent: 100, step: row ? `Nothing to do (instance is ${row.status})` : 'Nothing to do (instance is gone)' });
      return;
    }
    const desired = row.power === 'off' ? 'off' : 'on';
    if (desired !== power) this.log.log(`instance ${row.name}: power job said ${power}, the row now says ${desired}; applying ${desired}`);
    if (desired === 'off') {
      await progress({ percent: 30, step: 'Stopping the instance' });
      // `stopped` first: from then on the proxy refuses to wake it (and undoes a wake that was
      // already under way), so the stop below cannot be followed by a visitor's start.
      await this.instances.moveStatus(instanceId, POWERABLE, 'stopped');
      await this.starter.stop(instanceId);
      await progress({ percent: 100, step: 'Stopped' });
      return;
    }
    if (restart) {
      // A setting that applies at start changed. Not running (asleep, stopped): its next start applies it.
      if (row.status !== 'running') {
        await progress({ percent: 100, step: `Nothing to restart (instance is ${row.status})` });
        return;
      }
      // Stopped as for power off (the proxy neither serves nor wakes it meanwhile), then started below.
      await progress({ percent: 10, step: 'Stopping the instance (restart)' });
      if (await this.instances.moveStatus(instanceId, ['running'], 'stopped')) await this.starter.stop(instanceId);
    }
    await this.starter.bringUp(row, progress, { sync: 20, syncStep: 'Syncing the admin account', start: 50, wait: 80 });
    await this.instances.moveStatus(instanceId, POWERABLE, 'running');
    await progress({ percent: 100, step: 'Running' });
  }
}
