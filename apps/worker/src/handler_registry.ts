/** Finds the handler of each job, and refuses to exist unless every job has exactly one. */
import { Inject, Injectable } from '@nestjs/common';
import { handlerProblems, type JobName } from '@burrow/contracts';
import type { AnyJobHandler, JobHandler, ProgressReporter } from './handlers/job_handler.js';
import type { CheckedJob, CheckedPayload } from './job_payload.js';
import { HANDLERS } from './tokens.js';

/** Thrown at boot when a job has no handler, several, or a handler names an unknown job. */
export class HandlerRegistryError extends Error {
  /** Builds the error listing every problem. */
  constructor(readonly problems: readonly string[]) {
    super(`The worker's job handlers do not match the job registry:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'HandlerRegistryError';
  }
}

/** Job name -> handler, checked against the contracts' registry when built. */
@Injectable()
export class HandlerRegistry {
  private readonly byName = new Map<string, AnyJobHandler>();

  /** Throws HandlerRegistryError unless each job name has exactly one handler. */
  constructor(@Inject(HANDLERS) handlers: readonly AnyJobHandler[]) {
    const problems = handlerProblems(handlers.map((h) => ({ name: h.job, source: h.constructor.name })));
    if (problems.length > 0) throw new HandlerRegistryError(problems);
    for (const h of handlers) this.byName.set(h.job, h);
  }

  /** Runs the job's handler. */
  run(job: CheckedJob, progress: ProgressReporter): Promise<void> {
    return this.dispatch(job.name, job.payload, progress);
  }

  private dispatch<N extends JobName>(name: N, payload: CheckedPayload<N>, progress: ProgressReporter): Promise<void> {
    // The constructor stored exactly one handler under each name, the one whose `job` is that name.
    const handler = this.byName.get(name) as JobHandler<N> | undefined;
    if (!handler) throw new Error(`no handler for job "${name}"`);
    return handler.handle(payload, progress);
  }
}
