/**
 * The only way platform code queues work. A job's id is its intent, so queueing the same
 * intent while it is pending is a no-op; finished jobs are removed from Redis at once (their
 * outcome lives in the control DB), so the same intent can run again later.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobName, JobPayloads } from '@burrow/contracts';
import type { ControlInstanceId, JobRunStore } from '@burrow/db';
import { bullJobId, queueFor, type JobData } from './names.js';
import { QueueUnavailableError } from './redis.js';

const PENDING_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/** The BullMQ job scheduler of an instance's scheduled backups. */
export const backupSchedulerId = (instanceId: string): string => `backup-schedule@${instanceId}`;

/** Retry policy of every job (transient failures; permanent ones throw UnrecoverableError). */
export const JOB_ATTEMPTS = 5;

/** Queues jobs for the worker. */
export class JobProducer {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly connection: Redis, private readonly runs: JobRunStore) {}

  /** True when Redis answers now. */
  async available(): Promise<boolean> {
    if (this.connection.status !== 'ready') return false;
    try {
      await this.connection.ping();
      return true;
    } catch {
      return false;
    }
  }

  /** Throws QueueUnavailableError unless Redis answers now (callers check before writing anything). */
  async requireAvailable(): Promise<void> {
    if (!(await this.available())) throw new QueueUnavailableError(new Error(`redis status ${this.connection.status}`));
  }

  /** Queues `name` for the host; returns the run id. Throws QueueUnavailableError when Redis is down. */
  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], hostId: string): Promise<string> {
    await this.requireAvailable();
    const id = bullJobId(name, payload);
    const queue = this.queue(queueFor(name, hostId));
    // The same intent still pending: nothing to add, and its recorded progress stays as it is.
    if (await this.isPending(name, payload, hostId)) return id;
    await this.runs.queued(id, name, (payload.instanceId as ControlInstanceId | undefined) ?? null);
    const data: JobData<N> = { payload };
    try {
      await queue.add(name, data, {
        jobId: id,
        attempts: JOB_ATTEMPTS,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: true,
        removeOnFail: true,
      });
    } catch (err) {
      throw new QueueUnavailableError(err);
    }
    return id;
  }

  /**
   * Sets (or with `pattern` null removes) the BullMQ job scheduler that queues an instance's
   * scheduled backups on its host's queue. The scheduler id is per instance, so setting it
   * again replaces the previous schedule.
   */
  async scheduleBackups(instanceId: string, hostId: string, pattern: string | null): Promise<void> {
    const queue = this.queue(queueFor('instance.backup', hostId));
    const schedulerId = backupSchedulerId(instanceId);
    try {
      if (pattern === null) {
        await queue.removeJobScheduler(schedulerId);
        return;
      }
      const data: JobData<'instance.backup'> = { payload: { instanceId, name: '', scheduled: true } };
      await queue.upsertJobScheduler(schedulerId, { pattern, tz: 'UTC' }, {
        name: 'instance.backup',
        data,
        opts: { attempts: JOB_ATTEMPTS, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: true },
      });
    } catch (err) {
      throw new QueueUnavailableError(err);
    }
  }

  /** When the instance's next scheduled backup runs, or undefined without a schedule. */
  async nextScheduledBackup(instanceId: string, hostId: string): Promise<Date | undefined> {
    try {
      const scheduler = await this.queue(queueFor('instance.backup', hostId)).getJobScheduler(backupSchedulerId(instanceId));
      return scheduler?.next ? new Date(scheduler.next) : undefined;
    } catch (err) {
      throw new QueueUnavailableError(err);
    }
  }

  /** True while the job of this intent is queued or running. */
  async isPending<N extends JobName>(name: N, payload: JobPayloads[N], hostId: string): Promise<boolean> {
    try {
      return PENDING_STATES.has(await this.queue(queueFor(name, hostId)).getJobState(bullJobId(name, payload)));
    } catch (err) {
      throw new QueueUnavailableError(err);
    }
  }

  /** Waiting/active/delayed/failed counts per queue this producer used (for /metrics). */
  async counts(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [name, q] of this.queues) out[name] = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
    return out;
  }

  /** Closes the queues (not the connection, which the caller owns). */
  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection });
      // Errors surface on the add() that hit them; the connection retries by itself.
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }
}
