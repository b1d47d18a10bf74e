/**
 * Injection tokens of the resources start_worker opens and hands to the Nest context; the
 * worker's own classes are their own tokens. Every constructor parameter names its token with
 * `@Inject` (tsx, which runs the tests, emits no decorator metadata to infer them from).
 */

/** The worker's settings (WorkerSettings). */
export const SETTINGS = Symbol('SETTINGS');
/** The control database (ControlDb). */
export const DB = Symbol('DB');
/** Where tenants run (InstanceRuntimeDriver). */
export const RUNTIME = Symbol('RUNTIME');
/** Instance rows (InstanceStore). */
export const INSTANCES = Symbol('INSTANCES');
/** Job outcomes and progress (JobRunStore). */
export const RUNS = Symbol('RUNS');
/** Queues jobs, for the reconciler (JobProducer). */
export const PRODUCER = Symbol('PRODUCER');
/** Redis connection of the BullMQ workers: blocking commands, retried forever (ioredis Redis). */
export const WORKER_REDIS = Symbol('WORKER_REDIS');
/** Redis connection for reads and enqueues: fails fast (ioredis Redis). */
export const PRODUCER_REDIS = Symbol('PRODUCER_REDIS');
/** Test hooks (WorkerHooks). */
export const HOOKS = Symbol('HOOKS');
/** Every job handler instance, for the registry (AnyJobHandler[]). */
export const HANDLERS = Symbol('HANDLERS');
