/** Observation points for tests (e.g. holding a job mid-way to kill the worker); production passes none. */
import type { JobName, JobProgress } from '@burrow/contracts';

/** One progress report of a running job. */
export interface ProgressEvent extends JobProgress {
  /** The job's name. */
  job: JobName;
  /** The instance it is about. */
  instanceId: string;
  /** 1 for the first attempt. */
  attempt: number;
}

/** Optional callbacks into the worker. */
export interface WorkerHooks {
  /** Awaited after each progress report has been recorded; the job waits for it. */
  afterProgress?(event: ProgressEvent): Promise<void>;
}
