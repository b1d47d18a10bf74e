import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedLimiter } from './limiter.js';

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('KeyedLimiter: one run per key, at most max at once, a bounded wait', async () => {
  const limiter = new KeyedLimiter(1, 50);
  const gate = deferred();
  let runs = 0;
  const task = async () => {
    runs++;
    await gate.promise;
  };
  const a1 = limiter.run('a', task);
  const a2 = limiter.run('a', task);
  assert.equal(a1, a2, 'the same key joins the run in progress');
  // 'b' waits for the only slot and gives up after 50 ms
  await assert.rejects(limiter.run('b', task), /waited more than 50 ms/);
  gate.resolve();
  await a1;
  assert.equal(runs, 1);
  // the slot is free again and a failing task releases it too
  await assert.rejects(limiter.run('c', async () => { throw new Error('boom'); }), /boom/);
  await limiter.run('d', async () => undefined);
});
