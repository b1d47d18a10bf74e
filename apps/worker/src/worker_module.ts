/** The Nest module of the worker: the opened resources as values, everything else built from them. */
import type { DynamicModule, Type } from '@nestjs/common';
import { ControlRows } from './control_rows.js';
import { HandlerRegistry } from './handler_registry.js';
import { InstanceStarter } from './handlers/instance_starter.js';
import type { AnyJobHandler } from './handlers/job_handler.js';
import { InstanceLocks } from './instance_locks.js';
import { JobProcessor } from './job_processor.js';
import { QueueConsumer } from './queue_consumer.js';
import { Reconciler } from './reconciler.js';
import { RuntimeWatcher } from './runtime_watcher.js';
import { TenantAdmin } from './tenant_admin.js';
import { TenantProbe } from './tenant_probe.js';
import { DB, HANDLERS, HOOKS, INSTANCES, PRODUCER, PRODUCER_REDIS, RUNS, RUNTIME, SETTINGS, WORKER_REDIS } from './tokens.js';
import type { WorkerResources } from './worker_resources.js';

/** Module class of the application context (a dynamic module needs one; it has no metadata of its own). */
export class WorkerModule {
  /** The module for these resources and handler classes. */
  static register(resources: WorkerResources, handlers: readonly Type<AnyJobHandler>[]): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        { provide: SETTINGS, useValue: resources.settings },
        { provide: DB, useValue: resources.db },
        { provide: RUNTIME, useValue: resources.runtime },
        { provide: INSTANCES, useValue: resources.instances },
        { provide: RUNS, useValue: resources.runs },
        { provide: PRODUCER, useValue: resources.producer },
        { provide: WORKER_REDIS, useValue: resources.workerRedis },
        { provide: PRODUCER_REDIS, useValue: resources.producerRedis },
        { provide: HOOKS, useValue: resources.hooks },
        TenantAdmin,
        TenantProbe,
        InstanceStarter,
        ControlRows,
        InstanceLocks,
        ...handlers,
        // Collects the handler instances for the registry, which checks them against the job list.
        { provide: HANDLERS, useFactory: (...all: AnyJobHandler[]) => all, inject: [...handlers] },
        HandlerRegistry,
        JobProcessor,
        QueueConsumer,
        Reconciler,
        RuntimeWatcher,
      ],
    };
  }
}
