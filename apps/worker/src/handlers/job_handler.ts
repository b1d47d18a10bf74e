/** What a job handler is: one class per job name, declaring the name it handles. */
import type { JobName, JobProgress } from '@burrow/contracts';
import type { CheckedPayload } from '../job_payload.js';

/** Reports progress: the console shows `percent` and `step`. */
export type ProgressReporter = (progress: JobProgress) => Promise<void>;

/** Handles every job named `N`; must be idempotent (a retry or a re-run after a crash finishes the work once). */
export interface JobHandler<N extends JobName> {
  /** The job this class handles (the registry checks there is exactly one per name). */
  readonly job: N;
  /** Does the work; throws UnrecoverableError for a failure retrying cannot fix. */
  handle(payload: CheckedPayload<N>, progress: ProgressReporter): Promise<void>;
}

/** A handler of any job. */
export type AnyJobHandler = { [N in JobName]: JobHandler<N> }[JobName];
