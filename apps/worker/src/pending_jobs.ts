/** Looks up whether an intent already has a job in Redis (waiting, delayed or running). */
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobName, JobPayloads } from '@burrow/contracts';
import { bullJobId, queueFor } from '@burrow/jobs';
import type { WorkerSettings } from './settings.js';
import { PRODUCER_REDIS, SETTINGS } from './tokens.js';

const PENDING_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/** Read-only view of this host's queues. */
@Injectable()
export class PendingJobs implements OnApplicationShutdown {
  private readonly queues = new Map<string, Queue>();
  private readonly hostId: string;

  /** Uses `connection` (start_worker owns and closes it) for the queues of this host. */
  constructor(@Inject(PRODUCER_REDIS) private readonly connection: Redis, @Inject(SETTINGS) settings: WorkerSettings) {
    this.hostId = settings.hostId;
  }

  /** True while the job of this intent is queued or running. */
  async has<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<boolean> {
    const state = await this.queue(queueFor(name, this.hostId)).getJobState(bullJobId(name, payload));
    return PENDING_STATES.has(state);
  }

  /** Nest lifecycle, after every onModuleDestroy (the reconciler's last pass has ended): closes the queues, not the connection. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection });
      // Errors reach the caller through has(); the connection reconnects by itself.
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }
}
