import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { JOB_NAMES, type InstanceStatus, type JobName } from '@burrow/contracts';
import { HandlerRegistry } from './handler_registry.js';
import type { AnyJobHandler, JobHandler } from './handlers/job_handler.js';
import { InstanceLocks } from './instance_locks.js';
import { JobProcessor, type ActiveJob } from './job_processor.js';

const ID = 'abcdefghijklmno';
const NAMES: JobName[] = [...JOB_NAMES];

/** Records what the processor writes to the control DB. */
class Recorder {
  calls: string[] = [];
  async queued(id: string, name: string): Promise<void> { this.calls.push(`queued ${id} ${name}`); }
  async progress(id: string, percent: number, step: string, attempts: number): Promise<void> { this.calls.push(`progress ${id} ${percent} ${step} #${attempts}`); }
  async finished(id: string, state: string, error: string | null, attempts: number): Promise<void> { this.calls.push(`finished ${id} ${state} ${error ?? '-'} #${attempts}`); }
  async moveStatus(id: string, from: readonly InstanceStatus[], status: InstanceStatus, reason: string | null = null): Promise<boolean> {
    this.calls.push(`status ${id} ${status} (${reason}) from ${from.join('|')}`);
    return true;
  }
}

function processorWith(provision: JobHandler<'instance.provision'>['handle'], rec: Recorder): JobProcessor {
  const handlers = NAMES.map((job) => ({ job, handle: job === 'instance.provision' ? provision : async () => undefined }) as AnyJobHandler);
  return new JobProcessor(new HandlerRegistry(handlers), rec, rec, new InstanceLocks(), {});
}

function job(attemptsMade: number, name = 'instance.provision'): ActiveJob & { progressSeen: unknown[] } {
  const progressSeen: unknown[] = [];
  return {
    id: 'run1', name, data: { payload: { instanceId: ID } }, attemptsMade, opts: { attempts: 3 },
    updateProgress: async (p: unknown) => { progressSeen.push(p); },
    progressSeen,
  } as ActiveJob & { progressSeen: unknown[] };
}

describe('JobProcessor', () => {
  // The processor logs every failure; these are expected.
  before(() => Logger.overrideLogger(false));

  test('success: progress to BullMQ and the DB, then completed', async () => {
    const rec = new Recorder();
    const j = job(0);
    await processorWith(async (_p, progress) => { await progress({ percent: 40, step: 'Half' }); }, rec).process(j);
    assert.deepEqual(j.progressSeen, [{ percent: 40, step: 'Half' }]);
    assert.deepEqual(rec.calls, ['progress run1 40 Half #1', 'finished run1 completed - #1']);
  });

  test('a transient failure before the last attempt is retried, the instance untouched', async () => {
    const rec = new Recorder();
    await assert.rejects(processorWith(async () => { throw new Error('boom'); }, rec).process(job(0)), /boom/);
    assert.deepEqual(rec.calls, ['progress run1 0 Retrying after attempt 1 failed: boom #1']);
  });

  test('the last attempt fails the run and the instance, never over a delete', async () => {
    const rec = new Recorder();
    await assert.rejects(processorWith(async (_p, progress) => { await progress({ percent: 70, step: 'Starting' }); throw new Error('boom'); }, rec).process(job(2)));
    assert.equal(rec.calls[1], 'finished run1 failed boom #3');
    assert.match(rec.calls[2], /^status abcdefghijklmno failed \(Starting: boom\) from /);
    assert.ok(!rec.calls[2].includes('deleting'));
  });

  test('UnrecoverableError fails at once; a malformed job too', async () => {
    const rec = new Recorder();
    await assert.rejects(processorWith(async () => { throw new UnrecoverableError('no owner'); }, rec).process(job(0)), UnrecoverableError);
    assert.deepEqual(rec.calls.slice(0, 1), ['finished run1 failed no owner #1']);
    const rec2 = new Recorder();
    await assert.rejects(processorWith(async () => undefined, rec2).process(job(0, 'instance.nope')), UnrecoverableError);
    assert.deepEqual(rec2.calls, ['finished run1 failed unknown job "instance.nope" #1']);
  });
});
