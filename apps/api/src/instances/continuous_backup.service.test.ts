import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uncoveredSpan } from './continuous_backup.service.js';

const at = (iso: string) => new Date(iso);
const window = {
  earliest: at('2026-01-01T00:00:00Z'),
  latest: at('2026-01-01T03:00:00Z'),
  generations: [
    { id: 'b', start: at('2026-01-01T02:00:00Z'), end: at('2026-01-01T03:00:00Z') },
    { id: 'a', start: at('2026-01-01T00:00:00Z'), end: at('2026-01-01T01:00:00Z') },
  ],
};

test('uncoveredSpan: moments Litestream did not cover are refused with the span, others pass', () => {
  const cases: Array<[string, string, boolean, RegExp | undefined]> = [
    ['inside the first generation', '2026-01-01T00:30:00Z', true, undefined],
    ['in the gap between generations', '2026-01-01T01:30:00Z', true, /not running from 2026-01-01T01:00:00.000Z to 2026-01-01T02:00:00.000Z/],
    ['right at the end of a generation', '2026-01-01T01:00:00.500Z', true, undefined],
    ['inside the newest', '2026-01-01T02:30:00Z', true, undefined],
    ['after the newest, while on (nothing changed since)', '2026-01-01T05:00:00Z', true, undefined],
    ['after the newest, while off', '2026-01-01T05:00:00Z', false, /off: the newest restorable moment is 2026-01-01T03:00:00.000Z/],
    ['just after the newest, while off (within the sync slack)', '2026-01-01T03:00:30Z', false, undefined],
  ];
  for (const [name, moment, enabled, expected] of cases) {
    const got = uncoveredSpan(window, at(moment), enabled);
    if (expected) assert.match(String(got), expected, name);
    else assert.equal(got, undefined, name);
  }
});
