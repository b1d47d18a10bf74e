/** @burrow/worker: the BullMQ consumers of the platform, runnable in-process (tests, launchers) or as `dist/main.js`. */
export { startWorker, type RunningWorker, type WorkerOptions } from './start_worker.js';
export { HandlerRegistry, HandlerRegistryError } from './handler_registry.js';
export { HANDLER_CLASSES, type AnyJobHandler, type JobHandler, type ProgressReporter } from './handlers/index.js';
export { checkJob, type CheckedJob, type CheckedPayload } from './job_payload.js';
export type { ProgressEvent, WorkerHooks } from './hooks.js';
export { workerSettings, type WorkerSettings } from './settings.js';
