import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDue, parseSchedule } from './schedule.js';

test('parseSchedule: valid expressions and macros', () => {
  const s = parseSchedule('*/15 0-6/2 1,15 * 1-5');
  assert.deepEqual([...s.minutes], [0, 15, 30, 45]);
  assert.deepEqual([...s.hours], [0, 2, 4, 6]);
  assert.deepEqual([...s.days], [1, 15]);
  assert.equal(s.months.size, 12);
  assert.deepEqual([...s.daysOfWeek], [1, 2, 3, 4, 5]);
  assert.equal(parseSchedule('@hourly').expression, '0 * * * *');
  assert.equal(parseSchedule('@daily').expression, '0 0 * * *');
});

test('parseSchedule: invalid expressions are refused with a message', () => {
  for (const bad of ['', '* * * *', '* * * * * *', '60 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', '* * * * 7', '5/2 * * * *', '*/0 * * * *', 'a * * * *', '1-2-3 * * * *', '5-1 * * * *', '* * * * * ', '@often']) {
    assert.throws(() => parseSchedule(bad), Error, JSON.stringify(bad));
  }
});

test('isDue: every segment must match (UTC)', () => {
  const s = parseSchedule('30 12 * * 1');
  assert.ok(isDue(s, new Date('2026-12-07T12:30:00Z'))); // a Monday
  assert.ok(!isDue(s, new Date('2026-12-08T12:30:00Z'))); // Tuesday
  assert.ok(!isDue(s, new Date('2026-12-07T12:31:00Z')));
  assert.ok(isDue(parseSchedule('0 */6 * * *'), new Date('2026-12-07T18:00:59Z')));
});
