/**
 * Bringing an instance up and taking it down, the same for every job that does: provision,
 * power, restore, deploy and the move of a database into LiteFS. A replicated instance comes up
 * primary first (its owner synced through the mount), then its replicas; it goes down replicas
 * first, since they stream from the primary.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { ControlInstanceId, Instance, InstanceStore } from '@burrow/db';
import type { Endpoint, InstanceRuntime } from '@burrow/runtime';
import { ControlRows } from '../control_rows.js';
import type { WorkerSettings } from '../settings.js';
import { TenantAdmin } from '../tenant_admin.js';
import { TenantProbe } from '../tenant_probe.js';
import { INSTANCES, RUNTIME, SETTINGS } from '../tokens.js';
import { instanceSpec, runtimeId, syncOwner } from './instance_steps.js';
import type { ProgressReporter } from './job_handler.js';
import { startReplicas, stopReplicas } from './litefs_nodes.js';

/** Each step's progress percentage and the admin sync's step text. */
export interface BringUpSteps {
  sync: number;
  syncStep: string;
  start: number;
  wait: number;
}

@Injectable()
export class InstanceStarter {
  /** Takes the stores, the admin sync, the runtime, the health probe and the settings. */
  constructor(
    @Inject(INSTANCES) private readonly instances: InstanceStore,
    @Inject(ControlRows) private readonly rows: ControlRows,
    @Inject(TenantAdmin) private readonly admin: TenantAdmin,
    @Inject(RUNTIME) private readonly runtime: InstanceRuntime,
    @Inject(TenantProbe) private readonly probe: TenantProbe,
    @Inject(SETTINGS) private readonly settings: WorkerSettings,
  ) {}

  /** Syncs the owner as superuser, starts the tenant with its env, waits until it answers. */
  async bringUp(instance: Instance, progress: ProgressReporter, at: BringUpSteps): Promise<Endpoint> {
    const id = instance.id as ControlInstanceId;
    const spec = await instanceSpec(this.instances, this.settings.replicaStore, instance);
    // A LiteFS primary's database exists only on its mount, while it runs: synced after the start.
    if (!spec.litefs) {
      await progress({ percent: at.sync, step: at.syncStep });
      await syncOwner(this.rows, this.admin, instance, id);
    }
    await progress({ percent: at.start, step: 'Starting the instance' });
    const endpoint = await this.runtime.start(spec);
    await progress({ percent: at.wait, step: 'Waiting for it to answer' });
    await this.probe.waitHealthy(endpoint);
    if (spec.litefs) {
      await progress({ percent: at.wait, step: at.syncStep });
      await syncOwner(this.rows, this.admin, instance, id);
      await progress({ percent: at.wait, step: 'Starting its read replicas' });
      await startReplicas(this.instances, this.runtime, instance, spec.env);
    }
    return endpoint;
  }

  /** Stops the instance: its read replicas first, then its own tenant. */
  async stop(instanceId: ControlInstanceId): Promise<void> {
    await stopReplicas(this.instances, this.runtime, instanceId);
    await this.runtime.stop(runtimeId(instanceId));
  }
}
