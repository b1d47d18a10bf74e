/**
 * Job outcomes and progress in the control DB: the console reads them from here, so they
 * survive Redis restarts and completed jobs being removed from the queue. One row per
 * intent (the job id): a new run of the same intent replaces the previous outcome.
 */
import type { ControlDb } from './client.js';
import type { JobRun } from './generated/sqlite/client.js';
import type { ControlInstanceId } from './ids.js';

/** States a job run goes through. */
export type JobRunState = 'queued' | 'active' | 'completed' | 'failed';

/** Records job runs. */
export class JobRunStore {
  constructor(private readonly db: ControlDb) {}

  /** Marks a run queued (called by whoever enqueues, before the job can start). */
  async queued(id: string, name: string, instanceId: ControlInstanceId | null): Promise<void> {
    const now = new Date();
    const data = { name, instanceId, state: 'queued', percent: 0, step: 'Queued', attempts: 0, error: null, updatedAt: now, finishedAt: null };
    await this.db.jobRun.upsert({ where: { id }, create: { id, createdAt: now, ...data }, update: data });
  }

  /** Progress of an active run. */
  async progress(id: string, percent: number, step: string, attempts: number): Promise<void> {
    await this.db.jobRun.updateMany({ where: { id }, data: { state: 'active', percent: Math.max(0, Math.min(100, Math.round(percent))), step, attempts, updatedAt: new Date() } });
  }

  /** The final outcome. */
  async finished(id: string, state: 'completed' | 'failed', error: string | null, attempts: number): Promise<void> {
    const now = new Date();
    const data = state === 'completed' ? { state, percent: 100, error: null, attempts, updatedAt: now, finishedAt: now } : { state, error, attempts, updatedAt: now, finishedAt: now };
    await this.db.jobRun.updateMany({ where: { id }, data });
  }

  /** The most recent run about an instance, or null. */
  latestFor(instanceId: ControlInstanceId): Promise<JobRun | null> {
    return this.db.jobRun.findFirst({ where: { instanceId }, orderBy: { updatedAt: 'desc' } });
  }
}
