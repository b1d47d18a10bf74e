import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TtlCache } from './ttl_cache.js';

test('entries expire after ttlMs, by the injected clock', () => {
  let now = 1_000;
  const cache = new TtlCache<string, number | undefined>({ ttlMs: 100, maxEntries: 10, now: () => now });
  cache.set('a', 1);
  cache.set('miss', undefined);
  now += 99;
  assert.deepEqual(cache.get('a'), { value: 1 });
  assert.deepEqual(cache.get('miss'), { value: undefined }, 'a cached miss is a hit');
  now += 1;
  assert.equal(cache.get('a'), undefined);
  assert.equal(cache.size, 1, 'the expired entry read was dropped');
});

test('the oldest entries are dropped beyond maxEntries; re-setting refreshes position', () => {
  const cache = new TtlCache<string, number>({ ttlMs: 1_000, maxEntries: 2 });
  cache.set('a', 1);
  cache.set('b', 2);
  cache.set('a', 3);
  cache.set('c', 4);
  assert.equal(cache.get('b'), undefined);
  assert.deepEqual(cache.get('a'), { value: 3 });
  assert.deepEqual(cache.get('c'), { value: 4 });
  assert.equal(cache.size, 2);
});

test('deleteWhere drops matching entries; ttlMs 0 caches nothing', () => {
  const cache = new TtlCache<string, number>({ ttlMs: 1_000, maxEntries: 10 });
  cache.set('a', 1);
  cache.set('b', 2);
  cache.deleteWhere((value) => value === 1);
  assert.equal(cache.get('a'), undefined);
  assert.deepEqual(cache.get('b'), { value: 2 });
  const off = new TtlCache<string, number>({ ttlMs: 0, maxEntries: 10 });
  off.set('a', 1);
  assert.equal(off.get('a'), undefined);
});
