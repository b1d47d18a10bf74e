/**
 * replica.add: starts a read replica (a LiteFS node streaming from the instance's primary) and
 * waits until it has caught up. The instance's first replica first moves its database into
 * LiteFS: the instance is stopped (marked `stopped`, so the proxy neither serves nor wakes it),
 * its data.db imported into a LiteFS primary (`litefs import`), then started on it.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { ControlInstanceId, Instance, InstanceNode, InstanceStore } from '@burrow/db';
import { parseInstanceId, type InstanceRuntime } from '@burrow/runtime';
import type { CheckedPayload } from '../job_payload.js';
import { INSTANCES, RUNTIME } from '../tokens.js';
import { runtimeId, tenantEnv } from './instance_steps.js';
import { InstanceStarter } from './instance_starter.js';
import type { JobHandler, ProgressReporter } from './job_handler.js';
import { litefsSpec, replicaSpec } from './litefs_nodes.js';

/** How long a new replica may take to reach the primary's position. */
const CATCH_UP_TIMEOUT_MS = 120_000;

@Injectable()
export class ReplicaAddHandler implements JobHandler<'replica.add'> {
  /** The job this class handles. */
  readonly job = 'replica.add';
  private readonly log = new Logger(ReplicaAddHandler.name);

  /** Takes the instance rows, what starts instances and the runtime. */
  constructor(
    @Inject(INSTANCES) private readonly instances: InstanceStore,
    @Inject(InstanceStarter) private readonly starter: InstanceStarter,
    @Inject(RUNTIME) private readonly runtime: InstanceRuntime,
  ) {}

  /** Adds the replica; a node that is gone or being removed needs nothing. */
  async handle({ instanceId, nodeId }: CheckedPayload<'replica.add'>, progress: ProgressReporter): Promise<void> {
    const row = await this.instances.byId(instanceId);
    const node = await this.instances.nodes.byId(nodeId);
    if (!row || !node || row.status === 'deleting' || node.status === 'deleting' || node.status === 'running') {
      await progress({ percent: 100, step: node?.status === 'running' ? 'Already running' : 'Nothing to do (the replica or its instance is gone)' });
      return;
    }
    try {
      let primary = (await this.instances.nodes.forInstance(instanceId)).find((n) => n.role === 'primary');
      if (!primary) throw new UnrecoverableError('the instance has no primary node');
      // `stopped` with power on: a run of this job that died while moving the database (the step
      // marks it stopped, a power-off would have set power off); this run finishes the move.
      const moving = row.status === 'stopped' && row.power !== 'off';
      if (row.status !== 'running' && !moving) throw new UnrecoverableError(`the instance is ${row.status}: replicas are added to a running instance`);
      if (moving || primary.status !== 'running') primary = await this.moveIntoLiteFs(row, primary, progress);
      await progress({ percent: 60, step: 'Starting the replica' });
      const env = await tenantEnv(this.instances, row);
      await this.runtime.start(replicaSpec(node, primary, env));
      await this.catchUp(node, primary, progress);
      await this.instances.nodes.moveStatus(nodeId, ['provisioning', 'failed'], 'running');
      this.log.log(`instance ${row.name}: replica ${nodeId} running`);
      await progress({ percent: 100, step: 'Replica running' });
    } catch (err) {
      await this.instances.nodes.moveStatus(nodeId, ['provisioning', 'failed'], 'failed', err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  /** The instance's first replica: its database moves into a LiteFS primary, and it restarts on it. */
  private async moveIntoLiteFs(row: Instance, primary: InstanceNode, progress: ProgressReporter): Promise<InstanceNode> {
    const id = runtimeId(row.id as ControlInstanceId);
    if (!this.runtime.litefsImport) throw new UnrecoverableError('this runtime cannot run replicated instances');
    await progress({ percent: 10, step: 'Stopping the instance to move its database into LiteFS' });
    await this.instances.moveStatus(row.id as ControlInstanceId, ['running'], 'stopped'); // no-op when a previous run did it
    await this.runtime.stop(id);
    try {
      await progress({ percent: 20, step: 'Importing the database into LiteFS' });
      // A no-op when a previous run imported it already (LiteFS holds it from then on).
      await this.runtime.litefsImport(id, litefsSpec(primary, primary));
    } catch (err) {
      // Nothing was moved (the import is the last step to change anything): it serves from its plain database again.
      await this.starter.bringUp(row, progress, { sync: 30, syncStep: 'Syncing the admin account', start: 35, wait: 40 });
      await this.instances.moveStatus(row.id as ControlInstanceId, ['stopped'], 'running');
      throw new UnrecoverableError(`moving the database into LiteFS failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    await this.instances.nodes.setStatus(primary.id, 'running');
    await this.starter.bringUp(row, progress, { sync: 40, syncStep: 'Syncing the admin account', start: 30, wait: 40 });
    await this.instances.moveStatus(row.id as ControlInstanceId, ['stopped'], 'running');
    return { ...primary, status: 'running' };
  }

  /** Waits until the replica has applied the primary's last transaction (progress by transaction). */
  private async catchUp(node: InstanceNode, primary: InstanceNode, progress: ProgressReporter): Promise<void> {
    const replication = this.runtime.replication?.bind(this.runtime);
    if (!replication) throw new UnrecoverableError('this runtime cannot report replication');
    const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
    let said = -1;
    for (;;) {
      const [p, r] = await Promise.all([replication(parseInstanceId(primary.id)), replication(parseInstanceId(node.id))]);
      if (p && r && r.txid >= p.txid) return;
      if (Date.now() > deadline) throw new Error(`the replica did not catch up within ${CATCH_UP_TIMEOUT_MS / 1000} s (at ${r?.txid ?? 0} of ${p?.txid ?? '?'})`);
      const percent = 70 + Math.floor(25 * ((r?.txid ?? 0) / Math.max(1, p?.txid ?? 1)));
      if (percent !== said) {
        said = percent;
        await progress({ percent, step: `Catching up (transaction ${r?.txid ?? 0} of ${p?.txid ?? '?'})` });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
