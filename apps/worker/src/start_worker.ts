/** Boots the worker in-process: resources, the Nest application context, and an orderly close. */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger, type INestApplicationContext, type LogLevel, type LoggerService, type Type } from '@nestjs/common';
import type { PlatformConfig } from '@burrow/config';
import { HANDLER_CLASSES } from './handlers/index.js';
import type { AnyJobHandler } from './handlers/job_handler.js';
import type { WorkerHooks } from './hooks.js';
import { QueueConsumer } from './queue_consumer.js';
import { Reconciler } from './reconciler.js';
import { workerSettings } from './settings.js';
import { WorkerModule } from './worker_module.js';
import { openWorkerResources } from './worker_resources.js';

/** Options of startWorker; production passes none. */
export interface WorkerOptions {
  /** Nest logger, log levels, or false for silence (default: log, warn, error). */
  logger?: LoggerService | LogLevel[] | false;
  /** Test hooks (see WorkerHooks). */
  hooks?: WorkerHooks;
  /** Handler classes (default: one per job); tests pass wrong lists to see boot refuse. */
  handlers?: readonly Type<AnyJobHandler>[];
  /** Jobs processed at once (default 4). */
  concurrency?: number;
  /** Reconcile period in ms (default 30 000). */
  reconcileIntervalMs?: number;
  /** Job lock and stalled-check periods in ms (defaults 15 000 / 5 000; tests shorten them). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/** A running worker. */
export interface RunningWorker {
  /**
   * Stops taking jobs, lets active ones finish (or, with `abandonJobs`, leaves them to expire
   * and be taken over by another worker, as a crash would), then closes the runtime (tenants
   * keep running), Redis and the DB. Idempotent.
   */
  close(opts?: { abandonJobs?: boolean }): Promise<void>;
  /** Runs one reconcile pass now; returns the ids of the jobs it queued. */
  reconcile(): Promise<string[]>;
}

/**
 * Starts the worker. Rejects (having released everything) when the config lacks REDIS_URL,
 * a resource cannot be opened, or a job has no handler or several (HandlerRegistryError).
 */
export async function startWorker(config: PlatformConfig, options: WorkerOptions = {}): Promise<RunningWorker> {
  const settings = workerSettings(config, {
    concurrency: options.concurrency,
    reconcileIntervalMs: options.reconcileIntervalMs,
    lockDurationMs: options.lockDurationMs,
    stalledIntervalMs: options.stalledIntervalMs,
  });
  const opened = await openWorkerResources(config, settings, options.hooks ?? {});
  let app: INestApplicationContext;
  try {
    app = await NestFactory.createApplicationContext(WorkerModule.register(opened.resources, options.handlers ?? HANDLER_CLASSES), {
      logger: options.logger ?? ['log', 'warn', 'error'],
      // Nest's default is process.abort() on a boot error; the caller decides instead.
      abortOnError: false,
    });
  } catch (err) {
    await opened.close().catch(() => undefined);
    throw err;
  }
  const context = app;
  new Logger('Worker').log(`ready: host ${settings.hostId}, instances in ${settings.instancesDir}`);
  let closing: Promise<void> | undefined;
  return {
    close(opts = {}) {
      closing ??= (async () => {
        if (opts.abandonJobs) await context.get(QueueConsumer).stop(true);
        await context.close();
        await opened.close();
      })();
      return closing;
    },
    reconcile: () => context.get(Reconciler).reconcile(),
  };
}
