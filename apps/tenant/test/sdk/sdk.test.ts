/**
 * The official `pocketbase` SDK against a live `burrow-tenant serve` process: every call the
 * SDK makes must work unchanged, and rules must hold for guests, users and superusers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import type { CollectionModel } from 'pocketbase';
import { DEFAULT_SUPERUSER, startTenant, type ServerHandle } from '../support/processes.js';
import { rejectsWith, sdkClient } from '../support/sdk.js';

let server: ServerHandle;
let su: PocketBase;

const client = (): PocketBase => sdkClient(server.url);

describe('pocketbase SDK against burrow-tenant', { timeout: 120_000 }, () => {
  before(async () => {
    server = await startTenant();
    su = client();
    await su.collection('_superusers').authWithPassword(DEFAULT_SUPERUSER.email, DEFAULT_SUPERUSER.password);
  });
  after(async () => {
    await server?.stop();
  });

  test('health.check', async () => {
    const h = await client().health.check();
    assert.equal(h.code, 200);
    assert.equal(h.message, 'API is healthy.');
  });

  test('superuser auth store', () => {
    assert.ok(su.authStore.isValid);
    assert.ok(su.authStore.isSuperuser);
  });

  test('collections: create, getOne, update (rename field), import, delete', async () => {
    const created = await su.collections.create({
      name: 'sdk_posts',
      type: 'base',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'score', type: 'number' },
        { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
        { name: 'created', type: 'autodate', onCreate: true },
      ],
      listRule: "@request.auth.id != ''",
      viewRule: "@request.auth.id != ''",
      createRule: "@request.auth.id != '' && owner = @request.auth.id",
      updateRule: 'owner = @request.auth.id',
      deleteRule: 'owner = @request.auth.id',
    });
    assert.equal(created.name, 'sdk_posts');
    const fetched = await su.collections.getOne('sdk_posts');
    assert.equal(fetched.id, created.id);
    const title = fetched.fields.find((f: { name: string }) => f.name === 'title');
    const renamed = await su.collections.update('sdk_posts', {
      fields: fetched.fields.map((f: { name: string }) => (f.name === 'title' ? { ...title, name: 'headline' } : f)),
    });
    assert.ok(renamed.fields.some((f: { name: string }) => f.name === 'headline'));
    // The SDK types import items as full models; partial definitions are what users send.
    const imported = [{ name: 'sdk_imported', type: 'base', fields: [{ name: 'x', type: 'text' }] }] as unknown as CollectionModel[];
    await su.collections.import(imported, false);
    assert.equal((await su.collections.getOne('sdk_imported')).name, 'sdk_imported');
    await su.collections.delete('sdk_imported');
    await rejectsWith(su.collections.getOne('sdk_imported'), 404);
    const list = await su.collections.getList(1, 100, { filter: "name ~ 'sdk_'" });
    assert.deepEqual(list.items.map((c) => c.name), ['sdk_posts']);
  });

  test('records and rules for guests, users and superusers', async () => {
    const alice = client();
    const bob = client();
    await client().collection('users').create({ email: 'alice@example.com', password: '1234567890', passwordConfirm: '1234567890' });
    await client().collection('users').create({ email: 'bob@example.com', password: '1234567890', passwordConfirm: '1234567890' });
    const aliceAuth = await alice.collection('users').authWithPassword('alice@example.com', '1234567890');
    await bob.collection('users').authWithPassword('bob@example.com', '1234567890');
    assert.equal(aliceAuth.record.email, 'alice@example.com');

    // create: rule needs auth and owner = self
    await rejectsWith(client().collection('sdk_posts').create({ headline: 'x', owner: aliceAuth.record.id }), 400);
    await rejectsWith(bob.collection('sdk_posts').create({ headline: 'x', owner: aliceAuth.record.id }), 400);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await alice.collection('sdk_posts').create({ headline: `post ${i}`, score: i * 10, owner: aliceAuth.record.id });
      ids.push(r.id);
    }
    // validation error shape
    const err = await rejectsWith(alice.collection('sdk_posts').create({ score: 1, owner: aliceAuth.record.id }), 400);
    assert.equal(err.response.data.headline.code, 'validation_required');

    // list/getOne as guest: 403 would be a null rule; here "" auth required -> empty list for guests
    const guestList = await client().collection('sdk_posts').getList(1, 10);
    assert.equal(guestList.totalItems, 0);
    await rejectsWith(client().collection('sdk_posts').getOne(ids[0]), 404);

    const page = await bob.collection('sdk_posts').getList(1, 2, { sort: '-score', filter: 'score >= 10', expand: 'owner' });
    assert.equal(page.totalItems, 4);
    assert.equal(page.totalPages, 2);
    assert.deepEqual(page.items.map((r) => r.score), [40, 30]);
    const all = await bob.collection('sdk_posts').getFullList({ sort: 'score', batch: 2 });
    assert.equal(all.length, 5);
    const first = await bob.collection('sdk_posts').getFirstListItem('headline = "post 3"');
    assert.equal(first.score, 30);
    await rejectsWith(bob.collection('sdk_posts').getFirstListItem('headline = "missing"'), 404);
    // users' view rule lets only alice see alice: the expand is left out for bob
    const one = await bob.collection('sdk_posts').getOne(ids[1], { expand: 'owner' });
    assert.deepEqual(one.expand, {});
    const own = await alice.collection('sdk_posts').getOne(ids[1], { expand: 'owner' });
    assert.equal(own.expand?.owner?.id, aliceAuth.record.id);

    // update/delete: only the owner
    await rejectsWith(bob.collection('sdk_posts').update(ids[0], { headline: 'hacked' }), 404);
    const updated = await alice.collection('sdk_posts').update(ids[0], { 'score+': 5 });
    assert.equal(updated.score, 5);
    await rejectsWith(bob.collection('sdk_posts').delete(ids[0]), 404);
    assert.equal(await alice.collection('sdk_posts').delete(ids[0]), true);
    await rejectsWith(su.collection('sdk_posts').getOne(ids[0]), 404);

    // superuser bypasses rules
    const suList = await su.collection('sdk_posts').getList(1, 50);
    assert.equal(suList.totalItems, 4);
  });

  test('auth: authRefresh and impersonate', async () => {
    const alice = client();
    const auth = await alice.collection('users').authWithPassword('alice@example.com', '1234567890');
    const refreshed = await alice.collection('users').authRefresh();
    assert.equal(refreshed.record.id, auth.record.id);
    assert.ok(refreshed.token);
    const imp = await su.collection('users').impersonate(auth.record.id, 3600);
    assert.equal(imp.authStore.record?.id, auth.record.id);
    const viaImp = await imp.collection('users').getOne(auth.record.id);
    assert.equal(viaImp.email, 'alice@example.com');
    await rejectsWith(alice.collection('users').impersonate(auth.record.id, 60), 403);
  });

  test('createBatch', async () => {
    await su.settings.update({ batch: { enabled: true, maxRequests: 50, timeout: 3, maxBodySize: 0 } });
    const alice = client();
    const auth = await alice.collection('users').authWithPassword('alice@example.com', '1234567890');
    const batch = alice.createBatch();
    batch.collection('sdk_posts').create({ headline: 'b1', owner: auth.record.id });
    batch.collection('sdk_posts').create({ headline: 'b2', owner: auth.record.id });
    const res = await batch.send();
    assert.deepEqual(res.map((r) => r.status), [200, 200]);
    const failing = alice.createBatch();
    failing.collection('sdk_posts').create({ headline: 'b3', owner: auth.record.id });
    failing.collection('sdk_posts').create({ owner: auth.record.id });
    const err = await rejectsWith(failing.send(), 400);
    assert.equal(err.response.data.requests['1'].code, 'batch_request_failed');
    const count = await su.collection('sdk_posts').getList(1, 1, { filter: "headline ~ 'b'" });
    assert.equal(count.totalItems, 2);
  });
});
