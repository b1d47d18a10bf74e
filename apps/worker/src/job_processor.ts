/**
 * Runs one BullMQ job: checks it, calls its handler under the instance's lock, and records
 * progress and the outcome in the control DB (the console reads them there; completed jobs
 * leave Redis at once).
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { INSTANCE_STATUSES, type InstanceStatus, type JobName, type JobProgress } from '@burrow/contracts';
import type { InstanceStore, JobRunStore } from '@burrow/db';
import { RuntimeError } from '@burrow/runtime';
import { HandlerRegistry } from './handler_registry.js';
import type { WorkerHooks } from './hooks.js';
import { InstanceLocks } from './instance_locks.js';
import { checkJob, type CheckedJob } from './job_payload.js';
import { HOOKS, INSTANCES, RUNS } from './tokens.js';

/** The parts of a BullMQ job the processor uses (tests can fake it). */
export type ActiveJob = Pick<Job, 'id' | 'name' | 'data' | 'attemptsMade' | 'opts' | 'updateProgress'>;

/** Statuses a failed job may overwrite: a delete asked for meanwhile must not be lost. */
const NOT_DELETING = INSTANCE_STATUSES.filter((s) => s !== 'deleting');

/**
 * Which jobs take the instance to `failed` when they fail for good. Not admin-sync or backup: the
 * tenant still serves its users, and `failed` would make the proxy refuse them; the run records it.
 */
const FAILURE_MARKS_INSTANCE: Record<JobName, readonly InstanceStatus[] | null> = {
  'instance.provision': NOT_DELETING,
  'instance.power': NOT_DELETING,
  'instance.deprovision': ['deleting'],
  'instance.admin-sync': null,
  'instance.backup': null,
  // A failed restore has put the previous data back (or never touched it): the instance is as before.
  'instance.restore': null,
  // A failed deploy is rolled back to the previous code: the instance serves as before.
  'instance.deploy': null,
  // A replica that fails is marked on its own row; the primary serves as before.
  'replica.add': null,
  'replica.remove': null,
};

/** Runs jobs through the registry's handlers. */
@Injectable()
export class JobProcessor {
  private readonly log = new Logger(JobProcessor.name);

  /** Takes the registry, the stores, the per-instance locks and the test hooks. */
  constructor(
    @Inject(HandlerRegistry) private readonly registry: HandlerRegistry,
    @Inject(RUNS) private readonly runs: Pick<JobRunStore, 'queued' | 'progress' | 'finished'>,
    @Inject(INSTANCES) private readonly instances: Pick<InstanceStore, 'moveStatus'>,
    @Inject(InstanceLocks) private readonly locks: InstanceLocks,
    @Inject(HOOKS) private readonly hooks: WorkerHooks,
  ) {}

  /** Processes one job; rethrows failures so BullMQ retries them (or not, for UnrecoverableError). */
  async process(job: ActiveJob): Promise<void> {
    const runId = job.id;
    if (runId === undefined) throw new UnrecoverableError('job without an id');
    const attempt = job.attemptsMade + 1;
    let last: JobProgress | undefined;
    let checked: CheckedJob | undefined;
    try {
      checked = checkJob(job.name, job.data);
      const { name, payload } = checked;
      // Runs queued by a job scheduler (scheduled backups) never passed the producer: record them now.
      if (attempt === 1 && name === 'instance.backup' && payload.scheduled) await this.runs.queued(runId, name, payload.instanceId);
      const progress = async (p: JobProgress): Promise<void> => {
        last = p;
        await job.updateProgress({ percent: p.percent, step: p.step });
        await this.runs.progress(runId, p.percent, p.step, attempt);
        await this.hooks.afterProgress?.({ ...p, job: name, instanceId: payload.instanceId, attempt });
      };
      await this.locks.run(payload.instanceId, () => this.registry.run(checked!, progress));
      await this.runs.finished(runId, 'completed', null, attempt);
    } catch (raw) {
      const err = permanent(raw) ? asUnrecoverable(raw) : raw;
      const message = errorMessage(raw);
      const final = err instanceof UnrecoverableError || attempt >= (job.opts.attempts ?? 1);
      // The step it failed in tells the console's user where it went wrong.
      const where = last ? `${last.step}: ${message}` : message;
      if (final) {
        this.log.error(`job ${runId} failed for good: ${where}`);
        await this.runs.finished(runId, 'failed', message, attempt);
        if (checked) await this.markInstanceFailed(checked, where);
      } else {
        this.log.warn(`job ${runId} attempt ${attempt} failed (will retry): ${where}`);
        await this.runs.progress(runId, last?.percent ?? 0, `Retrying after attempt ${attempt} failed: ${message}`, attempt);
      }
      throw err;
    }
  }

  private async markInstanceFailed(job: CheckedJob, reason: string): Promise<void> {
    const from = FAILURE_MARKS_INSTANCE[job.name];
    if (from) await this.instances.moveStatus(job.payload.instanceId, from, 'failed', reason);
  }
}

/** Failures no retry can fix: a malformed id or spec the runtime refuses. */
function permanent(err: unknown): boolean {
  return err instanceof UnrecoverableError || (err instanceof RuntimeError && (err.code === 'invalid_id' || err.code === 'invalid_spec'));
}

function asUnrecoverable(err: unknown): UnrecoverableError {
  return err instanceof UnrecoverableError ? err : new UnrecoverableError(errorMessage(err));
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
