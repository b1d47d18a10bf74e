import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRange } from './file_serve.js';

test('parseRange: single byte ranges, unsatisfiable ones, and what falls back to the whole file', () => {
  const cases: Array<[string | undefined, ReturnType<typeof parseRange>]> = [
    [undefined, undefined],
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=90-', { start: 90, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=-500', { start: 0, end: 99 }],
    ['bytes=50-5000', { start: 50, end: 99 }],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=9-3', undefined],
    ['bytes=0-1,5-6', undefined],
    ['items=0-1', undefined],
    ['bytes=-', undefined],
    ['bytes=abc', undefined],
  ];
  for (const [header, expected] of cases) assert.deepEqual(parseRange(header, 100), expected, String(header));
});
