/** replica.remove: stops a read replica and deletes its files and row; the primary keeps serving. */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { InstanceStore } from '@burrow/db';
import { parseInstanceId, type InstanceRuntime } from '@burrow/runtime';
import type { CheckedPayload } from '../job_payload.js';
import { INSTANCES, RUNTIME } from '../tokens.js';
import type { JobHandler, ProgressReporter } from './job_handler.js';

@Injectable()
export class ReplicaRemoveHandler implements JobHandler<'replica.remove'> {
  /** The job this class handles. */
  readonly job = 'replica.remove';
  private readonly log = new Logger(ReplicaRemoveHandler.name);

  /** Takes the instance rows and the runtime. */
  constructor(
    @Inject(INSTANCES) private readonly instances: InstanceStore,
    @Inject(RUNTIME) private readonly runtime: InstanceRuntime,
  ) {}

  /** Removes the node (files, then row); a row already gone is done. */
  async handle({ nodeId }: CheckedPayload<'replica.remove'>, progress: ProgressReporter): Promise<void> {
    const node = await this.instances.nodes.byId(nodeId);
    if (!node) {
      await progress({ percent: 100, step: 'Already removed' });
      return;
    }
    if (node.role !== 'replica') throw new UnrecoverableError(`${nodeId} is the primary: it goes with its instance`);
    await progress({ percent: 30, step: 'Stopping the replica' });
    await this.runtime.remove(parseInstanceId(nodeId));
    await progress({ percent: 80, step: 'Deleting its record' });
    await this.instances.nodes.remove(nodeId);
    this.log.log(`replica ${nodeId} removed`);
    await progress({ percent: 100, step: 'Removed' });
  }
}
