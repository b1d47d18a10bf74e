import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { parseInstanceId, type InstanceId, type ReplicationState } from '@burrow/runtime';
import type { InstanceRecord } from './directory.js';
import { ReplicaRouter } from './replicas.js';
import { endpointAt, StaticRuntime } from './test_support/static_runtime.js';

/** A runtime whose nodes report the replication states a test sets. */
class ReplicatedRuntime extends StaticRuntime {
  readonly states = new Map<InstanceId, ReplicationState>();
  async replication(id: InstanceId): Promise<ReplicationState | undefined> {
    return this.states.get(id);
  }
}

const primary = parseInstanceId('pri');
const r1 = parseInstanceId('pri-r1');
const r2 = parseInstanceId('pri-r2');
const record: InstanceRecord = { id: primary, name: 'shop', status: 'running', env: {} };
const cluster = { primaryHostname: 'burrow-pri-primary', replicas: [r1, r2] };
const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

function setup() {
  let now = 0;
  const runtime = new ReplicatedRuntime();
  for (const [id, port] of [[primary, 1], [r1, 2], [r2, 3]] as const) runtime.endpoints.set(id, endpointAt(port));
  runtime.states.set(primary, { txid: 10, checksum: 'a', lagMs: 0, primary: undefined });
  runtime.states.set(r1, { txid: 10, checksum: 'a', lagMs: 100, primary: 'burrow-pri-primary' });
  runtime.states.set(r2, { txid: 10, checksum: 'a', lagMs: 100, primary: 'burrow-pri-primary' });
  const router = new ReplicaRouter({ runtime, maxLagMs: 1_000, stateTtlMs: 200, downMs: 3_000, now: () => now });
  return { runtime, router, advance: (ms: number) => (now += ms) };
}

test('reads go round-robin over the live replicas', async () => {
  const { router } = setup();
  const order: string[] = [];
  for (let i = 0; i < 4; i++) order.push((await router.readers(record, cluster, 0))[0]!.id);
  assert.deepEqual(order, [r1, r2, r1, r2]);
});

test('a replica that lags, is behind the client, stopped or down is left out; states are re-read after the TTL', async () => {
  const { runtime, router, advance } = setup();
  runtime.states.set(r1, { txid: 9, checksum: 'b', lagMs: 5_000, primary: 'burrow-pri-primary' });
  advance(300);
  assert.deepEqual((await router.readers(record, cluster, 0)).map((r) => r.id), [r2], 'behind and silent: no reads');
  runtime.states.set(r1, { txid: 10, checksum: 'a', lagMs: 5_000, primary: 'burrow-pri-primary' });
  advance(300);
  assert.equal((await router.readers(record, cluster, 0)).length, 2, 'at the primary\'s transaction: an idle heartbeat gap is no lag');
  assert.deepEqual(await router.readers(record, cluster, 11), [], 'nobody has the client\'s last write: the primary serves it');
  router.markDown(r2);
  assert.deepEqual((await router.readers(record, cluster, 0)).map((r) => r.id), [r1]);
  advance(3_001);
  runtime.endpoints.delete(r1);
  assert.deepEqual((await router.readers(record, cluster, 0)).map((r) => r.id), [r2], 'r1 stopped, r2 back after its down time');
});

test('a client\'s last write is remembered by its credentials, per instance; the cookie counts too', () => {
  const { router } = setup();
  const alice = req({ authorization: 'Bearer alice' });
  assert.equal(router.requiredTx(record, alice), 0);
  router.rememberWrite(record, alice, 12);
  router.rememberWrite(record, alice, 11); // an older answer arriving late never lowers it
  assert.equal(router.requiredTx(record, alice), 12);
  assert.equal(router.requiredTx(record, req({ authorization: 'Bearer bob' })), 0);
  assert.equal(router.requiredTx({ ...record, id: parseInstanceId('other') }, alice), 0);
  assert.equal(router.requiredTx(record, req({ cookie: 'txnum=15' })), 15);
  assert.equal(router.requiredTx(record, req({ authorization: 'Bearer alice', cookie: 'txnum=3' })), 12);
});

test('a PocketBase token is known by its record: a refreshed token keeps the client\'s last write', () => {
  const { router } = setup();
  const jwt = (claims: object, sig: string) => `x.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
  const first = req({ authorization: jwt({ id: 'u1', collectionId: 'users', exp: 1 }, 'a') });
  const refreshed = req({ authorization: jwt({ id: 'u1', collectionId: 'users', exp: 2 }, 'b') });
  router.rememberWrite(record, first, 30);
  assert.equal(router.requiredTx(record, refreshed), 30);
  assert.equal(router.requiredTx(record, req({ authorization: jwt({ id: 'u2', collectionId: 'users' }, 'c') })), 0);
});
