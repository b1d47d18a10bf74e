import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GoTime, toPbDateString } from './go_time.js';

// Every expectation was produced by PocketBase's types.ParseDateTime (v0.39.11) and, for
// the first block, also observed on a running PocketBase's date field.
describe('toPbDateString (types.DateTime.Scan)', () => {
  const cases: Array<[unknown, string]> = [
    ['2024-01-02', '2024-01-02 00:00:00.000Z'],
    ['2024-01-02T10:11:12Z', '2024-01-02 10:11:12.000Z'],
    ['2024-01-02T10:11:12.123456+02:00', '2024-01-02 08:11:12.123Z'],
    ['2024-01-02 10:11:12', '2024-01-02 10:11:12.000Z'],
    ['2024-01-02 10:11:12.5', '2024-01-02 10:11:12.500Z'],
    ['2024-01-02 10:11:12 +0200', '2024-01-02 08:11:12.000Z'],
    ['2024-01-02 10:11:12+02:00', '2024-01-02 08:11:12.000Z'],
    ['2024-01-02T10:11:12+0200', '2024-01-02 08:11:12.000Z'],
    ['Tue, 02 Jan 2024 10:11:12 GMT', '2024-01-02 10:11:12.000Z'],
    ['02 Jan 2024', '2024-01-02 00:00:00.000Z'],
    ['2024-01-02 10:11:12 +0000 UTC', '2024-01-02 10:11:12.000Z'],
    ['2024-01-02T10:11:12.1234567890Z', '2024-01-02 10:11:12.123Z'],
    ['2024-01-02T10:11', ''],
    ['2024-02-30', ''],
    ['2024-13-01', ''],
    [' 2024-01-02', ''],
    ['2024-01-02t10:11:12z', ''],
    ['2024-01-02 24:00:00', ''],
    ['0001-01-01 00:00:00.000Z', ''],
    [1700000000, ''],
    ['1700000000', ''],
    [true, ''],
    [['2024-01-02'], ''],
    // Only via the Go oracle:
    ['2024-01-02  10:11:12', '2024-01-02 10:11:12.000Z'],
    ['2024-01-02 1:02:03', '2024-01-02 01:02:03.000Z'],
    ['2024-01-02 10:11:12,5', '2024-01-02 10:11:12.500Z'],
    ['0001-01-01T01:00:00+01:00', ''],
    ['3:04PM', '0000-01-01 15:04:00.000Z'],
    ['Mon Jan  2 15:04:05 2006', '2006-01-02 15:04:05.000Z'],
    ['TUE, 02 JAN 2024 10:11:12 GMT', '2024-01-02 10:11:12.000Z'],
    ['2023-02-29', ''],
  ];
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => assert.equal(toPbDateString(input), expected));
  }
});

describe('GoTime', () => {
  it('prints like Go time.Time in messages and params', () => {
    const t = new GoTime(new Date('2024-12-31T23:59:59.999Z'));
    assert.equal(t.goString(), '2024-12-31 23:59:59.999 +0000 UTC');
    assert.equal(t.toJSON(), '2024-12-31T23:59:59.999Z');
    assert.equal(new GoTime(new Date('2024-01-01T00:00:00Z')).goString(), '2024-01-01 00:00:00 +0000 UTC');
  });
});
