import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { test } from 'node:test';
import { BatchedLines } from './logger.js';

test('lines of one turn go out in one write, at the end of the turn', async () => {
  const writes: string[] = [];
  const lines = new BatchedLines({ write: (t) => writes.push(t) });
  lines.write('a');
  lines.write('b');
  assert.deepEqual(writes, []);
  await nextTurn();
  assert.deepEqual(writes, ['a\nb\n']);
  lines.write('c');
  await nextTurn();
  assert.deepEqual(writes, ['a\nb\n', 'c\n']);
});

test('64 KiB of lines are written at once; flush() writes what is pending', () => {
  const writes: string[] = [];
  const lines = new BatchedLines({ write: (t) => writes.push(t) });
  const long = 'x'.repeat(40 * 1024);
  lines.write(long);
  assert.equal(writes.length, 0);
  lines.write(long);
  assert.equal(writes.length, 1);
  lines.write('tail');
  lines.flush();
  assert.deepEqual(writes.slice(1), ['tail\n']);
  lines.flush();
  assert.equal(writes.length, 2, 'nothing pending, nothing written');
});
