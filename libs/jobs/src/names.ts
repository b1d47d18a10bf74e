/** Queue names and BullMQ job ids derived from the contracts' job registry. */
import { HOST_BOUND_JOBS, jobId, type JobName, type JobPayloads } from '@burrow/contracts';

/** Queue shared by jobs any worker may run. */
export const SHARED_QUEUE = 'burrow-shared';

/** The queue a job goes to: its host's for host-bound jobs (DESIGN.md §4 Queues). */
export function queueFor(name: JobName, hostId: string): string {
  return HOST_BOUND_JOBS.has(name) ? `burrow-host-${hostId}` : SHARED_QUEUE;
}

/** BullMQ refuses `:` in custom ids, so the intent id `provision:<id>` travels as `provision@<id>`. */
export function bullJobId<N extends JobName>(name: N, payload: JobPayloads[N]): string {
  return jobId(name, payload).replaceAll(':', '@');
}

/** What every job carries: the typed payload. The job id is the run id in the control DB. */
export interface JobData<N extends JobName = JobName> {
  payload: JobPayloads[N];
}
