import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as contracts from '../../../../../libs/contracts/src/platform_signature.js';
import { verifyPlatformSignature } from './platform_signature.js';

test('the tenant verifier agrees with @burrow/contracts on every case', () => {
  const key = 'k'.repeat(40);
  const body = '{"email":"owner@example.com"}';
  const now = 1_700_000_000;
  const good = contracts.signPlatformRequest(key, body, now);
  const cases: Array<{ name: string; key?: string; header: string | undefined; body?: string; now?: number; expected: boolean }> = [
    { name: 'good', header: good, expected: true },
    { name: 'good at +60 s', header: good, now: now + 60, expected: true },
    { name: 'stale at +61 s', header: good, now: now + 61, expected: false },
    { name: 'ahead by 61 s', header: good, now: now - 61, expected: false },
    { name: 'wrong key', key: 'x'.repeat(40), header: good, expected: false },
    { name: 'empty key', key: '', header: good, expected: false },
    { name: 'tampered body', header: good, body: '{"email":"x@example.com"}', expected: false },
    { name: 'missing header', header: undefined, expected: false },
    { name: 'garbage header', header: 't=1,s=zz', expected: false },
    { name: 'extra field', header: `${good},v=1`, expected: false },
  ];
  for (const c of cases) {
    const args = [c.key ?? key, c.header, c.body ?? body, c.now ?? now] as const;
    assert.equal(verifyPlatformSignature(...args), c.expected, c.name);
    assert.equal(contracts.verifyPlatformSignature(...args), c.expected, `${c.name} (contracts)`);
  }
});
