import assert from 'node:assert/strict';
import { test } from 'node:test';
import { needsPrimary, replicaServesReads, txnumFromCookie } from './replication.js';

test('needsPrimary: every write, and the primary-only paths for reads', () => {
  const cases: Array<[string, string, boolean]> = [
    ['GET', '/api/collections/posts/records', false],
    ['HEAD', '/api/collections/posts/records/abc', false],
    ['GET', '/api/health', false],
    ['GET', '/_/', false],
    ['OPTIONS', '/api/collections/posts/records', false],
    ['POST', '/api/collections/posts/records', true],
    ['PATCH', '/api/collections/posts/records/abc', true],
    ['DELETE', '/api/collections/posts/records/abc', true],
    ['POST', '/api/collections/users/auth-with-password', true],
    ['GET', '/api/realtime', true],
    ['GET', '/api/oauth2-redirect', true],
    ['GET', '/api/files/posts/abc/a.png', true],
    ['GET', '/api/backups', true],
    ['GET', '/api/logs', true],
    ['GET', '/api/logs/stats', true],
    ['GET', '/api/crons', true],
    ['GET', '/api/filesystem', false],
    ['GET', '/api/realtimeX', true],
    ['GET', '/api/%66iles/posts/abc/a.png', true],
    ['GET', '/api/%72ealtime', true],
    ['GET', '/api/collections/%zz', true],
  ];
  for (const [method, path, primary] of cases) assert.equal(needsPrimary(method, path), primary, `${method} ${path}`);
});

test('txnumFromCookie: the txnum cookie as a non-negative integer, anything else ignored', () => {
  assert.equal(txnumFromCookie('txnum=42'), 42);
  assert.equal(txnumFromCookie('a=1; txnum=7; b=2'), 7);
  for (const bad of [undefined, '', 'a=1', 'txnum=', 'txnum=-1', 'txnum=1e3', 'txnum=12345678901234567', 'txnum=0x10', 'xtxnum=5']) {
    assert.equal(txnumFromCookie(bad), undefined, String(bad));
  }
});

test('replicaServesReads: within the lag limit, or at the primary\'s transaction', () => {
  assert.equal(replicaServesReads({ txid: 5, lagMs: 100 }, 9, 2_000), true);
  assert.equal(replicaServesReads({ txid: 9, lagMs: 60_000 }, 9, 2_000), true, 'idle: nothing to catch up');
  assert.equal(replicaServesReads({ txid: 5, lagMs: 2_001 }, 9, 2_000), false);
});
