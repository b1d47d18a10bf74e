import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeJwtUnverified, signJwt, verifyJwt } from './jwt.js';

test('jwt: sign, verify, expiry, tampering', () => {
  const now = 1_700_000_000_000;
  const t = signJwt({ id: 'abc', type: 'auth' }, 'secret', 60, now);
  assert.deepEqual(verifyJwt(t, 'secret', now), { id: 'abc', type: 'auth', exp: 1_700_000_060 });
  assert.equal(verifyJwt(t, 'other', now), undefined, 'wrong secret');
  assert.equal(verifyJwt(t, 'secret', now + 61_000), undefined, 'expired');
  const [h, , s] = t.split('.');
  const forged = `${h}.${Buffer.from(JSON.stringify({ id: 'x', exp: 2e9 })).toString('base64url')}.${s}`;
  assert.equal(verifyJwt(forged, 'secret', now), undefined, 'payload swapped');
  for (const bad of ['', 'a.b', 'a.b.c', '...', `${Buffer.from('{"alg":"none"}').toString('base64url')}.e30.`]) {
    assert.equal(decodeJwtUnverified(bad), undefined, bad);
    assert.equal(verifyJwt(bad, 'secret', now), undefined, bad);
  }
});
