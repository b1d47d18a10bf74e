/** The BullMQ workers: one per queue this host consumes, all feeding the job processor. */
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { JobProcessor } from './job_processor.js';
import type { WorkerSettings } from './settings.js';
import { SETTINGS, WORKER_REDIS } from './tokens.js';

/** Starts consuming at application bootstrap; drains at shutdown. */
@Injectable()
export class QueueConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger(QueueConsumer.name);
  private workers: Worker[] = [];
  private stopping: Promise<void> | undefined;

  /** Consumes `settings.queues` over `connection` (shared: BullMQ duplicates it for blocking reads). */
  constructor(
    @Inject(SETTINGS) private readonly settings: WorkerSettings,
    @Inject(WORKER_REDIS) private readonly connection: Redis,
    @Inject(JobProcessor) private readonly processor: JobProcessor,
  ) {}

  /** Nest lifecycle: every provider is built (and the handler check passed), so start taking jobs. */
  onApplicationBootstrap(): void {
    this.workers = this.settings.queues.map((queue) => {
      const worker = new Worker(queue, (job) => this.processor.process(job), {
        connection: this.connection,
        concurrency: this.settings.concurrency,
        lockDuration: this.settings.lockDurationMs,
        stalledInterval: this.settings.stalledIntervalMs,
      });
      // Without a listener an 'error' event would throw; BullMQ reconnects by itself.
      worker.on('error', (err) => this.log.error(`queue ${queue}: ${err.message}`));
      return worker;
    });
    this.log.log(`consuming ${this.settings.queues.join(', ')} (concurrency ${this.settings.concurrency})`);
  }

  /** Nest lifecycle: stop taking jobs and let the active ones finish. */
  beforeApplicationShutdown(): Promise<void> {
    return this.stop(false);
  }

  /**
   * Stops the workers. `abandon` does not wait for active jobs: their locks expire and another
   * worker takes them over, as after a crash (tests use it to simulate one).
   */
  stop(abandon: boolean): Promise<void> {
    this.stopping ??= (async () => {
      // A worker closed while its connections are still initialising stops listening for that
      // initialisation, and when it then fails (the shared connection is closed right after)
      // BullMQ emits an 'error' nobody handles: a crash on SIGTERM just after boot, seen under
      // load. Let the initialisation settle first, bounded (a Redis that is down never will).
      await Promise.all(this.workers.map((w) => settled(w.waitUntilReady(), READY_WAIT_MS)));
      await Promise.all(this.workers.map((w) => w.close(abandon)));
    })();
    return this.stopping;
  }
}

/** How long a stop waits for a worker's connections to finish initialising. */
const READY_WAIT_MS = 2_000;

/** Resolves when `promise` settles (either way) or after `ms`, whichever comes first. */
function settled(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise.then(() => undefined, () => undefined), timeout]).finally(() => clearTimeout(timer));
}
