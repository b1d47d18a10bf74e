/**
 * The tenant on real LiteFS mounts (DESIGN.md §6): a primary and a replica, each a `litefs
 * mount` running `burrow-tenant serve --db-dir <mount>`, driven with the official SDK.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import PocketBase from 'pocketbase';
import { importDatabase, LiteFsNode, readPosition } from '@burrow/litefs';
import { liteFsForTests, nodeConfig } from '@burrow/litefs/testing';
import { eventually, freePort } from '@burrow/testing';
import { DEFAULT_SUPERUSER, TENANT_BIN } from '../support/processes.js';

const lfs = liteFsForTests();

interface TenantNode {
  node: LiteFsNode;
  url: string;
  mount: string;
  log: string[];
}

async function startNode(root: string, name: string, role: 'primary' | 'replica', primaryPort: number, litefsPort: number): Promise<TenantNode> {
  const port = await freePort();
  const config = nodeConfig(root, name, role, litefsPort, primaryPort);
  const log: string[] = [];
  const node = new LiteFsNode({
    bin: lfs.bin,
    configPath: join(root, name, 'litefs.yml'),
    config,
    exec: [process.execPath, TENANT_BIN, 'serve', '--http', `127.0.0.1:${port}`, '--dir', join(root, name, 'data'), '--db-dir', config.mountDir],
    log: (l) => log.push(l),
  });
  await node.start();
  const url = `http://127.0.0.1:${port}`;
  await eventually(`${name} healthy`, async () => ((await fetch(`${url}/api/health`)).ok ? true : undefined), 30_000, () => log.slice(-20).join('\n'));
  return { node, url, mount: config.mountDir, log };
}

describe('tenant on LiteFS: primary and replica', { skip: lfs.skip }, () => {
  let root: string;
  let primary: TenantNode;
  let replica: TenantNode;
  let admin: PocketBase;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'burrow-tenant-litefs-'));
    // An ordinary data dir first, then imported into the primary's mount (never copied in).
    const seed = join(root, 'seed');
    const r = spawnSync(process.execPath, [TENANT_BIN, 'superuser', 'upsert', DEFAULT_SUPERUSER.email, DEFAULT_SUPERUSER.password, '--dir', seed], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const primaryPort = await freePort();
    const importer = new LiteFsNode({ bin: lfs.bin, configPath: join(root, 'p', 'litefs.yml'), config: nodeConfig(root, 'p', 'primary', primaryPort, primaryPort) });
    await importer.start();
    await importDatabase(lfs.bin, importer.apiUrl, 'data.db', join(seed, 'data.db'));
    await importer.stop();
    primary = await startNode(root, 'p', 'primary', primaryPort, primaryPort);
    replica = await startNode(root, 'r1', 'replica', primaryPort, await freePort());
    admin = new PocketBase(primary.url);
    await admin.collection('_superusers').authWithPassword(DEFAULT_SUPERUSER.email, DEFAULT_SUPERUSER.password);
  });

  after(async () => {
    await replica?.node.stop();
    await primary?.node.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('a collection and a record created on the primary are served by the replica', async () => {
    await admin.collections.create({ name: 'posts', type: 'base', listRule: '', viewRule: '', createRule: '', fields: [{ name: 'title', type: 'text' }] });
    const res = await fetch(`${primary.url}/api/collections/posts/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'hello' }) });
    assert.equal(res.status, 200);
    const tx = Number(res.headers.get('burrow-txnum'));
    assert.ok(tx > 0, 'the write answers its transaction number');
    assert.match(res.headers.get('set-cookie') ?? '', new RegExp(`^txnum=${tx}; Max-Age=60; Path=/; HttpOnly; SameSite=Lax`));
    const pb = new PocketBase(replica.url);
    const list = await eventually('replica sees the record', async () => {
      const l = await pb.collection('posts').getList(1, 10).catch(() => undefined);
      return l && l.totalItems === 1 ? l : undefined;
    }, 5_000);
    assert.equal(list.items[0]?.title, 'hello');
    assert.deepEqual(await readPosition(replica.mount), await readPosition(primary.mount));
  });

  test('writes and primary-only paths on the replica: 409 with fly-replay naming the primary', async () => {
    const cases: Array<[string, string]> = [
      ['POST', '/api/collections/posts/records'],
      ['PATCH', '/api/settings'],
      ['DELETE', '/api/collections/posts/records/x'],
      ['GET', '/api/realtime'],
      ['GET', '/api/files/posts/x/y.png'],
      ['GET', '/api/backups'],
    ];
    for (const [method, path] of cases) {
      const res = await fetch(`${replica.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
      assert.equal(res.status, 409, `${method} ${path}`);
      assert.equal(res.headers.get('fly-replay'), 'instance=burrow-test-primary');
      const body = (await res.json()) as { status: number; message: string };
      assert.equal(body.status, 409);
      assert.match(body.message, /primary/);
    }
    const pb = new PocketBase(replica.url);
    await assert.rejects(pb.collection('posts').create({ title: 'nope' }), (err: { status: number }) => err.status === 409);
  });

  test('read-your-writes: a client ahead of the replica waits, or is replayed on the primary', async () => {
    const pos = await readPosition(primary.mount);
    assert.ok(pos);
    await eventually('replica caught up', async () => ((await readPosition(replica.mount))?.txid === pos.txid ? true : undefined), 5_000);
    const current = await fetch(`${replica.url}/api/collections/posts/records`, { headers: { cookie: `txnum=${pos.txid}` } });
    assert.equal(current.status, 200, 'up to date: served here');
    const started = Date.now();
    const ahead = await fetch(`${replica.url}/api/collections/posts/records`, { headers: { cookie: `txnum=${pos.txid + 1000}` } });
    assert.equal(ahead.status, 409, 'never caught up: replayed on the primary');
    assert.ok(Date.now() - started >= 450, 'it waited for the write first');
    // A write made while the replica waits is seen as soon as it arrives.
    const waiting = fetch(`${replica.url}/api/collections/posts/records?sort=-title`, { headers: { cookie: `txnum=${pos.txid + 1}` } });
    const w = await fetch(`${primary.url}/api/collections/posts/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'second' }) });
    assert.equal(Number(w.headers.get('burrow-txnum')), pos.txid + 1);
    const res = await waiting;
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { items: Array<{ title: string }> }).items[0]?.title, 'second');
  });

  test('a refused write sets no txnum; an old cookie costs the replica no wait', async () => {
    const bad = await fetch(`${primary.url}/api/collections/posts/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title": 5' });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('burrow-txnum'), null);
    assert.equal(bad.headers.get('set-cookie'), null);
    const started = Date.now();
    const r = await fetch(`${replica.url}/api/collections/posts/records`, { headers: { cookie: 'txnum=1' } });
    assert.equal(r.status, 200);
    assert.ok(Date.now() - started < 400, 'served at once');
  });

  test('settings and rules changed on the primary apply on the replica', async () => {
    await admin.settings.update({ meta: { appName: 'Replicated' } });
    await admin.collections.update('posts', { listRule: 'id = "none"' });
    const pb = new PocketBase(replica.url);
    await eventually('rule applied on the replica', async () => ((await pb.collection('posts').getList(1, 10)).totalItems === 0 ? true : undefined), 5_000);
    const radmin = new PocketBase(replica.url);
    radmin.authStore.save(admin.authStore.token, admin.authStore.record);
    await eventually('settings seen', async () => ((await radmin.settings.getAll()).meta.appName === 'Replicated' ? true : undefined), 5_000);
  });
});
