/** Validation of a standby's assignment line. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStandbyAssignment } from './standby.js';

const VALID = { args: ['serve', '--http', '127.0.0.1:8090', '--dir', '/srv/i/data'], env: { PATH: '/bin', HOME: '/srv/i' }, cwd: '/srv/i', logFile: '/srv/i/runtime/tenant.log' };

test('a valid assignment is returned as given', () => {
  assert.deepEqual(parseStandbyAssignment(JSON.stringify(VALID)), VALID);
});

test('malformed assignments are refused with a message naming the problem', () => {
  const cases: Array<[unknown, RegExp]> = [
    ['not json', /not JSON/],
    [[], /must be a JSON object/],
    [null, /must be a JSON object/],
    [{ ...VALID, extra: 1 }, /unknown assignment field\(s\): extra/],
    [{ ...VALID, args: ['standby'] }, /args must be string arguments starting with "serve"/],
    [{ ...VALID, args: [] }, /args must be/],
    [{ ...VALID, args: ['serve', 1] }, /args must be/],
    [{ ...VALID, args: 'serve' }, /args must be/],
    [{ ...VALID, env: [] }, /env must be an object/],
    [{ ...VALID, env: { 'A=B': 'x' } }, /assignment\.env\.A=B/],
    [{ ...VALID, env: { A: 1 } }, /assignment\.env\.A/],
    [{ ...VALID, env: { A: 'x\0y' } }, /assignment\.env\.A/],
    [{ ...VALID, cwd: 'relative' }, /cwd must be an absolute path/],
    [{ ...VALID, logFile: undefined }, /logFile must be an absolute path/],
  ];
  for (const [value, message] of cases) {
    const line = typeof value === 'string' ? value : JSON.stringify(value);
    assert.throws(() => parseStandbyAssignment(line), message, line);
  }
});
