import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { signPlatformRequest, verifyPlatformSignature } from './platform_signature.js';

const KEY = 'k'.repeat(64);
const BODY = '{"email":"owner@example.com"}';
const NOW = 1_700_000_000;

test('signPlatformRequest: t and hex HMAC-SHA256 of "<t>.<body>"', () => {
  const expected = createHmac('sha256', KEY).update(`${NOW}.${BODY}`).digest('hex');
  assert.equal(signPlatformRequest(KEY, BODY, NOW), `t=${NOW},s=${expected}`);
  // fractional seconds (Date.now() / 1000) are floored, so the header stays parseable
  assert.equal(signPlatformRequest(KEY, BODY, NOW + 0.9), `t=${NOW},s=${expected}`);
  assert.throws(() => signPlatformRequest('', BODY, NOW), /key is empty/);
  assert.throws(() => signPlatformRequest(KEY, BODY, Number.NaN), /invalid time/);
});

test('verifyPlatformSignature: table of accepted and refused headers', () => {
  const good = signPlatformRequest(KEY, BODY, NOW);
  const sig = good.slice(good.indexOf(',s=') + 3);
  const cases: Array<[string, { key?: string; header: string | undefined; body?: string; now?: number; tolerance?: number }, boolean]> = [
    ['good', { header: good }, true],
    ['good, upper-case hex', { header: `t=${NOW},s=${sig.toUpperCase()}` }, true],
    ['good, 60 s late', { header: good, now: NOW + 60 }, true],
    ['good, 60 s early (signer clock ahead)', { header: good, now: NOW - 60 }, true],
    ['stale: 61 s late', { header: good, now: NOW + 61 }, false],
    ['from the future: 61 s early', { header: good, now: NOW - 61 }, false],
    ['custom tolerance', { header: good, now: NOW + 100, tolerance: 120 }, true],
    ['wrong key', { key: 'x'.repeat(64), header: good }, false],
    ['empty key never verifies', { key: '', header: `t=${NOW},s=${createHmac('sha256', '').update(`${NOW}.${BODY}`).digest('hex')}` }, false],
    ['tampered body', { header: good, body: '{"email":"evil@example.com"}' }, false],
    ['timestamp changed', { header: `t=${NOW + 1},s=${sig}`, now: NOW + 1 }, false],
    ['missing header', { header: undefined }, false],
    ['empty header', { header: '' }, false],
    ['no timestamp', { header: `s=${sig}` }, false],
    ['fields swapped', { header: `s=${sig},t=${NOW}` }, false],
    ['short signature', { header: `t=${NOW},s=${sig.slice(0, 62)}` }, false],
    ['non-hex signature', { header: `t=${NOW},s=${'z'.repeat(64)}` }, false],
    ['two signatures', { header: `${good},s=${sig}` }, false],
    ['negative timestamp', { header: `t=-${NOW},s=${sig}` }, false],
  ];
  for (const [name, c, expected] of cases) {
    const ok = verifyPlatformSignature(c.key ?? KEY, c.header, c.body ?? BODY, c.now ?? NOW, c.tolerance);
    assert.equal(ok, expected, name);
  }
});
