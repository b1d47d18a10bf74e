import assert from 'node:assert/strict';
import { test } from 'node:test';
import { audiencesOf, findRateLimitRule, ipInList, RateLimiters, type RateLimitRule } from './rate_limits.js';

const rule = (label: string, audience: RateLimitRule['audience'] = '', maxRequests = 2, duration = 10): RateLimitRule => ({ label, audience, maxRequests, duration });

test('findRateLimitRule: labels in order, exact before prefix, prefixes only for the first label, audiences', () => {
  const rules = [rule('*:auth'), rule('posts:create', '@auth'), rule('*:create'), rule('/api/'), rule('POST /api/batch'), rule('/api/batch', '@guest')];
  const guest = audiencesOf(false);
  const user = audiencesOf(true);
  const cases: Array<[string[], string[], string | undefined]> = [
    [['posts:create', '*:create', 'POST /api/collections/posts/records', '/api/collections/posts/records'], user, 'posts:create'],
    [['posts:create', '*:create', 'POST /api/collections/posts/records', '/api/collections/posts/records'], guest, '*:create'],
    [['users:authWithPassword', 'users:auth', '*:authWithPassword', '*:auth'], guest, '*:auth'],
    [['GET /api/health', '/api/health'], guest, undefined], // a prefix rule applies to the first label only
    [['/api/health'], guest, '/api/'],
    [['POST /api/batch', '/api/batch'], guest, 'POST /api/batch'],
    [['/api/batch'], guest, '/api/batch'],
    [['/apiother'], guest, undefined],
  ];
  for (const [labels, audiences, expected] of cases) assert.equal(findRateLimitRule(rules, labels, audiences)?.label, expected, labels.join(' | '));
});

test('ipInList: addresses and IPv4 subnets', () => {
  assert.ok(ipInList(['127.0.0.1'], '127.0.0.1'));
  assert.ok(ipInList(['10.0.0.0/8'], '10.20.30.40'));
  assert.ok(!ipInList(['10.0.0.0/8'], '11.0.0.1'));
  assert.ok(ipInList(['0.0.0.0/0'], '8.8.8.8'));
  assert.ok(!ipInList(['::1'], '127.0.0.1'));
  assert.ok(ipInList(['::1'], '::1'));
  assert.ok(!ipInList(['127.0.0.1'], 'not-an-ip'));
  assert.ok(ipInList(['2001:db8::/32'], '2001:db8:1::5'));
  assert.ok(!ipInList(['2001:db8::/32'], '2001:db9::1'));
  assert.ok(ipInList(['2001:0db8:0000::1'], '2001:db8::1'), 'IPv6 compared by value, not by text');
  assert.ok(!ipInList(['10.0.0.0/99', 'garbage'], '10.0.0.1'), 'invalid entries match nothing');
});

test('RateLimiters: fixed windows per client, reset when the settings change', () => {
  let now = 1_000_000;
  const l = new RateLimiters(() => now);
  const r = rule('x', '', 2, 10);
  const v1 = {};
  assert.ok(l.allow('x', r, 'a', v1));
  assert.ok(l.allow('x', r, 'a', v1));
  assert.ok(!l.allow('x', r, 'a', v1));
  assert.ok(l.allow('x', r, 'b', v1), 'another client has its own window');
  now += 10_000;
  assert.ok(l.allow('x', r, 'a', v1), 'a new window');
  assert.ok(l.allow('x', r, 'a', v1));
  assert.ok(!l.allow('x', r, 'a', v1));
  assert.ok(l.allow('x', r, 'a', {}), 'new settings, new limiters');
});
