/**
 * The tenant's cron: jobs registered by id with a cron expression, checked at the start of
 * every minute (UTC) once started. Jobs run one at a time per id (a run still going when
 * its next minute comes is not started twice); a failing job is logged, never fatal. The
 * timer is unreferenced: it never keeps the process alive.
 */
import { isDue, parseSchedule, type Schedule } from '../tools/cron/schedule.js';

/** A job as the crons API lists it. */
export interface CronJobInfo {
  id: string;
  expression: string;
}

interface Job {
  id: string;
  schedule: Schedule;
  fn: () => void | Promise<void>;
  running: boolean;
}

/** The cron jobs of one tenant. */
export class Cron {
  private readonly jobs = new Map<string, Job>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly onError: (err: unknown, jobId: string) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Registers (or replaces) a job; throws on an invalid expression. */
  add(id: string, expression: string, fn: () => void | Promise<void>): void {
    if (!id) throw new Error('cron job id is required');
    this.jobs.set(id, { id, schedule: parseSchedule(expression), fn, running: false });
  }

  /** Removes a job. */
  remove(id: string): void {
    this.jobs.delete(id);
  }

  /** Whether a job is registered. */
  has(id: string): boolean {
    return this.jobs.has(id);
  }

  /** The jobs, the user's first (by id) and the built-in `__pb...` ones after, as PocketBase lists them. */
  list(): CronJobInfo[] {
    const all = [...this.jobs.values()].map((j) => ({ id: j.id, expression: j.schedule.expression }));
    const builtIn = (j: CronJobInfo) => j.id.startsWith('__pb');
    return [...all.filter((j) => !builtIn(j)).sort((a, b) => a.id.localeCompare(b.id)), ...all.filter(builtIn)];
  }

  /** Runs a job now (in the background); false when there is no such job. */
  run(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job) return false;
    void this.execute(job);
    return true;
  }

  private async execute(job: Job): Promise<void> {
    if (job.running) return;
    job.running = true;
    try {
      await job.fn();
    } catch (err) {
      this.onError(err, job.id);
    } finally {
      job.running = false;
    }
  }

  /** Runs the jobs due in the minute of `at` (the ticker calls it; tests call it directly). */
  tick(at: Date = this.now()): void {
    for (const job of this.jobs.values()) if (isDue(job.schedule, at)) void this.execute(job);
  }

  /** Starts the minute ticker. */
  start(): void {
    if (this.timer) return;
    const schedule = () => {
      const now = this.now();
      const delay = 60_000 - (now.getTime() % 60_000) + 5;
      this.timer = setTimeout(() => {
        this.tick();
        schedule();
      }, delay);
      this.timer.unref();
    };
    schedule();
  }

  /** Stops the ticker (running jobs finish on their own). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
