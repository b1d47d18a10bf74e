/**
 * Replicated instances under the process driver, on real LiteFS mounts: a node is `litefs
 * mount` with the tenant under it. A killed replica is restarted by the runtime and catches up
 * to the primary's exact position (transaction id and whole-database checksum).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isMounted, primaryHostnameOf, readPosition } from '@burrow/litefs';
import { liteFsForTests } from '@burrow/litefs/testing';
import { eventually, freePort } from '@burrow/testing';
import { parseInstanceId } from '../instance_id.js';
import { liteFsNodeSpec } from '../litefs_spec.js';
import type { InstanceSpec } from '../types.js';
import { assertTenantBuilt, TENANT_BIN, tempRoot } from '../test/process_harness.js';
import { ProcessRuntime } from './process_runtime.js';
import { instanceLayout } from './layout.js';

const lfs = liteFsForTests();

describe('process runtime: LiteFS nodes', { skip: lfs.skip, timeout: 120_000 }, () => {
  let root: string;
  let runtime: ProcessRuntime;
  const primaryId = parseInstanceId('lfs-primary');
  const replicaId = parseInstanceId('lfs-primary-r1');
  let primary: InstanceSpec;
  let replica: InstanceSpec;

  before(async () => {
    assertTenantBuilt();
    root = await tempRoot();
    runtime = new ProcessRuntime({ rootDir: root, tenantBin: TENANT_BIN, litefsBin: lfs.bin, backoff: { initialMs: 100, maxMs: 500 } });
    const primaryPort = await freePort();
    primary = { id: primaryId, env: {}, litefs: liteFsNodeSpec({ role: 'primary', litefsPort: primaryPort }, primaryId, primaryPort) };
    replica = { id: replicaId, env: {}, litefs: liteFsNodeSpec({ role: 'replica', litefsPort: await freePort() }, primaryId, primaryPort) };
  });

  after(async () => {
    await runtime?.remove(replicaId).catch(() => undefined);
    await runtime?.remove(primaryId).catch(() => undefined);
    await runtime?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  const mountOf = (id: string) => instanceLayout(root, parseInstanceId(id)).litefsMount;
  const logTail = (id: string) => readFileSync(instanceLayout(root, parseInstanceId(id)).logFile, 'utf8').split('\n').slice(-25).join('\n');

  test('a fresh primary creates data.db on its mount; a replica serves it', async () => {
    const p = await runtime.start(primary);
    const r = await runtime.start(replica);
    const res = await fetch(`${p.url}/api/collections/users/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'a@example.com', password: '1234567890', passwordConfirm: '1234567890' }) });
    assert.equal(res.status, 200, await res.text());
    const tx = Number(res.headers.get('burrow-txnum'));
    await eventually('replica caught up', async () => ((await readPosition(mountOf(replicaId)))?.txid === tx ? true : undefined), 5_000);
    const write = await fetch(`${r.url}/api/collections/users/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(write.status, 409);
    assert.equal(write.headers.get('fly-replay'), `instance=${primaryHostnameOf(primaryId)}`);
  });

  test('a replica runs the code deployed on its primary (hooks/)', async () => {
    const hooks = join(instanceLayout(root, primaryId).dataDir, 'hooks');
    mkdirSync(hooks, { recursive: true });
    writeFileSync(join(hooks, 'hello.js'), "export default (app) => { app.onServe((e) => { e.router.get('/api/hello', () => ({ from: 'deployed code' })); e.next(); }); };\n");
    await runtime.stop(replicaId);
    const r = await runtime.start(replica);
    const res = await fetch(`${r.url}/api/hello`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { from: 'deployed code' });
  });

  test('a SIGKILLed replica node is restarted, catches up and matches the primary', async () => {
    const before = await runtime.status(replicaId);
    assert.equal(before.state, 'running');
    process.kill(-(before.pid as number), 'SIGKILL'); // LiteFS and its tenant: the whole node
    const p = (await runtime.status(primaryId)).endpoint;
    assert.ok(p);
    // Writes go on while the replica is down.
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${p.url}/api/collections/users/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `w${i}@example.com`, password: '1234567890', passwordConfirm: '1234567890' }) });
      assert.equal(res.status, 200);
    }
    const after = await eventually('replica restarted', async () => {
      const s = await runtime.status(replicaId);
      return s.state === 'running' && s.pid !== before.pid ? s : undefined;
    }, 30_000, () => logTail(replicaId));
    assert.equal(after.restarts, (before.restarts ?? 0) + 1);
    const target = await readPosition(mountOf(primaryId));
    await eventually('caught up', async () => ((await readPosition(mountOf(replicaId)))?.txid === target?.txid ? true : undefined), 10_000);
    assert.deepEqual(await readPosition(mountOf(replicaId)), target, 'same transaction and checksum');
    const list = await fetch(`${after.endpoint?.url}/api/collections/users/records?perPage=1`, { headers: { cookie: `txnum=${target?.txid}` } });
    assert.equal(list.status, 200);
  });

  test('an existing instance moves into LiteFS with litefsImport and keeps its data', async () => {
    const id = parseInstanceId('lfs-import');
    const plain = await runtime.start({ id, env: {} });
    const res = await fetch(`${plain.url}/api/collections/users/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'kept@example.com', password: '1234567890', passwordConfirm: '1234567890' }) });
    assert.equal(res.status, 200);
    await assert.rejects(runtime.litefsImport(id, liteFsNodeSpec({ role: 'primary', litefsPort: 1 }, id, 1)), { code: 'invalid_state' });
    await runtime.stop(id);
    const port = await freePort();
    const node = liteFsNodeSpec({ role: 'primary', litefsPort: port }, id, port);
    await runtime.litefsImport(id, node);
    await runtime.litefsImport(id, node); // again: nothing left to do
    const layout = instanceLayout(root, id);
    assert.equal(existsSync(join(layout.dataDir, 'data.db')), false, 'no plain database left in the data dir');
    assert.equal(existsSync(join(layout.runtimeDir, 'pre-litefs-data.db')), true, 'kept as the undo');
    const p = await runtime.start({ id, env: {}, litefs: node });
    const state = await runtime.replication(id);
    assert.ok(state && state.txid >= 1 && state.primary === undefined);
    const auth = await fetch(`${p.url}/api/collections/users/auth-with-password`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity: 'kept@example.com', password: '1234567890' }) });
    assert.equal(auth.status, 200, 'the user written before the move signs in');
    await runtime.remove(id);
    assert.equal(isMounted(layout.litefsMount), false);
  });

  test('stop and remove leave no mount behind', async () => {
    await runtime.stop(replicaId);
    assert.equal(isMounted(mountOf(replicaId)), false);
    await runtime.remove(replicaId);
    assert.equal((await runtime.status(replicaId)).state, 'absent');
  });
});
