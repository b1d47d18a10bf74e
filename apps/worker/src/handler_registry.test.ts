import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JobName } from '@burrow/contracts';
import { parseId, type ControlInstanceId } from '@burrow/db';
import { HandlerRegistry, HandlerRegistryError } from './handler_registry.js';
import type { AnyJobHandler } from './handlers/job_handler.js';

/** A handler that records the payloads it got. */
function fake(job: JobName, seen: string[] = []): AnyJobHandler {
  return { job, handle: async (payload: { instanceId: string }) => { seen.push(`${job}:${payload.instanceId}`); } } as AnyJobHandler;
}

import { JOB_NAMES } from '@burrow/contracts';

const ALL: JobName[] = [...JOB_NAMES];

describe('HandlerRegistry', () => {
  test('accepts exactly one handler per job and dispatches by name', async () => {
    const seen: string[] = [];
    const registry = new HandlerRegistry(ALL.map((name) => fake(name, seen)));
    const id = parseId<ControlInstanceId>('abcdefghijklmno')!;
    await registry.run({ name: 'instance.power', payload: { instanceId: id, power: 'off' } }, async () => undefined);
    assert.deepEqual(seen, [`instance.power:${id}`]);
  });

  test('refuses a job without a handler', () => {
    const err = captured(() => new HandlerRegistry(ALL.filter((n) => n !== 'instance.power').map((n) => fake(n))));
    assert.ok(err instanceof HandlerRegistryError);
    assert.deepEqual(err.problems, ['job "instance.power" has no handler']);
    assert.match(err.message, /instance\.power" has no handler/);
  });

  test('refuses a job with two handlers, naming both', () => {
    const err = captured(() => new HandlerRegistry([...ALL.map((n) => fake(n)), fake('instance.provision')]));
    assert.ok(err instanceof HandlerRegistryError);
    assert.equal(err.problems.length, 1);
    assert.match(err.problems[0], /"instance\.provision" has 2 handlers/);
  });

  test('refuses a handler for an unknown job', () => {
    const stray = { job: 'instance.teleport', handle: async () => undefined } as unknown as AnyJobHandler;
    const err = captured(() => new HandlerRegistry([...ALL.map((n) => fake(n)), stray]));
    assert.ok(err instanceof HandlerRegistryError);
    assert.match(err.problems.join('\n'), /unknown job "instance\.teleport"/);
  });
});

function captured(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  assert.fail('expected a throw');
}
