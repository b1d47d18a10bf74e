/**
 * Realtime through the official SDK (`pb.collection(x).subscribe`) against a live
 * `burrow-tenant serve`: several clients with different auth, and who receives what. A client
 * "received nothing" is asserted after a later sentinel message reached it on the same stream
 * (messages of one stream arrive in order), never after a fixed wait.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EventSource } from 'eventsource';
import PocketBase, { ClientResponseError, type RecordModel } from 'pocketbase';
import { DEFAULT_SUPERUSER, startTenant, type ServerHandle } from '../support/processes.js';

// The SDK uses the global EventSource, which Node 20 lacks.
(globalThis as { EventSource?: unknown }).EventSource = EventSource;

interface Received {
  topic: string;
  action: string;
  record: RecordModel;
}

let server: ServerHandle;
let su: PocketBase;
let alice: PocketBase;
let bob: PocketBase;
let guest: PocketBase;
let aliceId: string;
let bobId: string;
let sentinels = 0;
const open: PocketBase[] = [];

function client(): PocketBase {
  const pb = new PocketBase(server.url);
  pb.autoCancellation(false);
  open.push(pb);
  return pb;
}

async function userClient(email: string): Promise<{ pb: PocketBase; id: string }> {
  const pb = client();
  const auth = await pb.collection('users').authWithPassword(email, 'password-123');
  return { pb, id: auth.record.id };
}

/** Subscribes `pb` to `topic` of `collection`; returns the list its messages land in. */
async function listen(pb: PocketBase, collection: string, topic: string, options: Record<string, unknown> = {}): Promise<Received[]> {
  const got: Received[] = [];
  await pb.collection(collection).subscribe(topic, (e) => got.push({ topic, action: e.action, record: e.record }), options);
  return got;
}

/** Creates a public record and waits until every list in `inboxes` got it: earlier messages are in by then. */
async function sentinel(...inboxes: Received[][]): Promise<void> {
  const title = `sentinel-${++sentinels}`;
  await su.collection('rt_public').create({ title });
  const deadline = Date.now() + 10_000;
  while (!inboxes.every((inbox) => inbox.some((m) => m.record.title === title))) {
    if (Date.now() > deadline) throw new Error(`sentinel ${title} did not reach every client`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const titles = (inbox: Received[], action?: string) => inbox.filter((m) => !m.record.title?.startsWith('sentinel-') && (!action || m.action === action)).map((m) => m.record.title);

describe('realtime through the SDK', { timeout: 120_000 }, () => {
  before(async () => {
    server = await startTenant();
    su = client();
    await su.collection('_superusers').authWithPassword(DEFAULT_SUPERUSER.email, DEFAULT_SUPERUSER.password);
    await su.collections.create({ name: 'rt_public', type: 'base', listRule: '', viewRule: '', fields: [{ name: 'title', type: 'text' }] });
    await su.collections.create({
      name: 'rt_posts',
      type: 'base',
      listRule: 'owner = @request.auth.id',
      viewRule: 'owner = @request.auth.id',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
        { name: 'note', type: 'text', hidden: true },
      ],
    });
    for (const email of ['alice@example.com', 'bob@example.com']) {
      await su.collection('users').create({ email, password: 'password-123', passwordConfirm: 'password-123', name: email.split('@')[0] });
    }
    ({ pb: alice, id: aliceId } = await userClient('alice@example.com'));
    ({ pb: bob, id: bobId } = await userClient('bob@example.com'));
    guest = client();
  });
  after(async () => {
    for (const pb of open) await pb.realtime.unsubscribe().catch(() => undefined);
    await server?.stop();
  });

  test('GET /api/realtime: SSE headers and PB_CONNECT with a 40-character client id', async () => {
    const abort = new AbortController();
    const res = await fetch(`${server.url}/api/realtime`, { signal: abort.signal });
    assert.equal(res.status, 200);
    assert.match(String(res.headers.get('content-type')), /^text\/event-stream/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('x-accel-buffering'), 'no');
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    abort.abort();
    const match = /^id:([A-Za-z0-9]{40})\nevent:PB_CONNECT\ndata:(.*)\n\n/.exec(text);
    assert.ok(match, text);
    assert.deepEqual(JSON.parse(match[2]), { clientId: match[1] });
  });

  test('COL/*: each subscriber gets what the list rule lets it see; superusers everything', async () => {
    const inboxes = {
      alice: await listen(alice, 'rt_posts', '*'),
      bob: await listen(bob, 'rt_posts', '*'),
      guest: await listen(guest, 'rt_posts', '*'),
      su: await listen(su, 'rt_posts', '*'),
    };
    const sentinelsOf = await Promise.all([alice, bob, guest, su].map((pb) => listen(pb, 'rt_public', '*')));
    const post = await su.collection('rt_posts').create({ title: 'for alice', owner: aliceId, note: 'hidden note' });
    await su.collection('rt_posts').update(post.id, { title: 'for alice, edited' });
    await su.collection('rt_posts').create({ title: 'for bob', owner: bobId });
    await su.collection('rt_posts').delete(post.id);
    await sentinel(...sentinelsOf);
    assert.deepEqual(inboxes.alice.map((m) => [m.action, m.record.title]), [['create', 'for alice'], ['update', 'for alice, edited'], ['delete', 'for alice, edited']]);
    assert.deepEqual(titles(inboxes.bob), ['for bob']);
    assert.deepEqual(titles(inboxes.guest), [], 'a guest sees nothing of owner-only records');
    assert.deepEqual(titles(inboxes.su), ['for alice', 'for alice, edited', 'for bob', 'for alice, edited']);
    // Hidden fields: only a superuser sees them.
    assert.equal(inboxes.alice[0].record.note, undefined);
    assert.equal(inboxes.su[0].record.note, 'hidden note');
    for (const pb of [alice, bob, guest, su]) await pb.collection('rt_posts').unsubscribe();
  });

  test('COL/ID: checked against the view rule; a client without view access receives nothing', async () => {
    const post = await su.collection('rt_posts').create({ title: 'watched', owner: aliceId });
    const aliceInbox = await listen(alice, 'rt_posts', post.id);
    const bobInbox = await listen(bob, 'rt_posts', post.id);
    const publicInboxes = await Promise.all([alice, bob].map((pb) => listen(pb, 'rt_public', '*')));
    await su.collection('rt_posts').update(post.id, { title: 'watched, edited' });
    await sentinel(...publicInboxes);
    assert.deepEqual(titles(aliceInbox), ['watched, edited']);
    assert.deepEqual(titles(bobInbox), []);
    for (const pb of [alice, bob]) await pb.realtime.unsubscribe();
  });

  test('options: expand and fields shape the message, filter selects the records', async () => {
    const shaped = await listen(alice, 'rt_posts', '*', { expand: 'owner', fields: 'id,title,expand.owner.name' });
    const filtered = await listen(alice, 'rt_posts', '*', { filter: 'title ~ "hot"' });
    const publicInbox = await listen(alice, 'rt_public', '*');
    await su.collection('rt_posts').create({ title: 'cold take', owner: aliceId });
    await su.collection('rt_posts').create({ title: 'hot take', owner: aliceId });
    await sentinel(publicInbox);
    assert.deepEqual(titles(filtered), ['hot take']);
    assert.deepEqual(Object.keys(shaped[0].record).sort(), ['expand', 'id', 'title']);
    assert.deepEqual(shaped[0].record.expand, { owner: { name: 'alice' } });
    await alice.realtime.unsubscribe();
  });

  test('unsubscribe stops the messages of that topic only', async () => {
    const publicInbox = await listen(alice, 'rt_public', '*');
    const posts = await listen(alice, 'rt_posts', '*');
    await alice.collection('rt_posts').unsubscribe('*');
    await su.collection('rt_posts').create({ title: 'after unsubscribe', owner: aliceId });
    await sentinel(publicInbox);
    assert.deepEqual(titles(posts), []);
    await alice.realtime.unsubscribe();
  });

  test('a write that rolls back sends nothing', async () => {
    const inbox = await listen(su, 'rt_posts', '*');
    const publicInbox = await listen(su, 'rt_public', '*');
    const batch = su.createBatch();
    batch.collection('rt_posts').create({ title: 'rolled back', owner: aliceId });
    batch.collection('rt_posts').create({ title: 'x', owner: 'no-such-user-id' });
    await assert.rejects(batch.send());
    await sentinel(publicInbox);
    assert.deepEqual(titles(inbox), []);
    await su.realtime.unsubscribe();
  });

  test('auth records: the owner and superusers see the email', async () => {
    const own = await listen(alice, 'users', aliceId);
    const all = await listen(su, 'users', '*');
    const publicInboxes = await Promise.all([alice, su].map((pb) => listen(pb, 'rt_public', '*')));
    await su.collection('users').update(aliceId, { name: 'Alice' });
    await sentinel(...publicInboxes);
    assert.equal(own[0]?.record.email, 'alice@example.com');
    assert.equal(all[0]?.record.email, 'alice@example.com');
    for (const pb of [alice, su]) await pb.realtime.unsubscribe();
  });

  test('POST /api/realtime: unknown client 404, missing id 400, another auth 403', async () => {
    const post = (body: unknown, token?: string) =>
      fetch(`${server.url}/api/realtime`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) }, body: JSON.stringify(body) });
    assert.equal((await post({ clientId: 'x'.repeat(40), subscriptions: [] })).status, 404);
    const missing = await post({ subscriptions: [] });
    assert.equal(missing.status, 400);
    assert.match(JSON.stringify(await missing.json()), /"clientId"/);
    assert.equal((await post({ clientId: 'abc', subscriptions: 'nope' })).status, 400);
    // alice's stream, then bob tries to take it over.
    await listen(alice, 'rt_public', '*');
    const clientId = alice.realtime.clientId;
    const takeover = await post({ clientId, subscriptions: ['rt_posts/*'] }, bob.authStore.token);
    assert.equal(takeover.status, 403);
    assert.match(((await takeover.json()) as { message: string }).message, /authorization don't match/);
    const again = await post({ clientId, subscriptions: ['rt_public/*'] }, alice.authStore.token);
    assert.equal(again.status, 204);
    await alice.realtime.unsubscribe();
  });

  test('options: a non-superuser filter on @request or hidden fields gets nothing; a bad fields sends the whole record', async () => {
    const guarded = await listen(alice, 'rt_posts', '*', { filter: '@request.auth.id != ""' });
    // `note` is hidden: a filter on it would reveal its value one guess at a time.
    const hiddenProbe = await listen(alice, 'rt_posts', '*', { filter: 'note ~ "secret"' });
    const ownerProbe = await listen(alice, 'rt_posts', '*', { filter: 'owner.tokenKey != ""' });
    const suProbe = await listen(su, 'rt_posts', '*', { filter: 'note ~ "secret"' });
    const suPublic = await listen(su, 'rt_public', '*');
    const badFields = await listen(alice, 'rt_posts', '*', { fields: 'id,,title' });
    const publicInbox = await listen(alice, 'rt_public', '*');
    await su.collection('rt_posts').create({ title: 'probe', owner: aliceId, note: 'a secret note' });
    await sentinel(publicInbox, suPublic);
    assert.deepEqual(titles(guarded), []);
    assert.deepEqual(titles(hiddenProbe), [], 'hidden fields cannot be filtered on by a non-superuser');
    assert.deepEqual(titles(ownerProbe), [], 'nor hidden fields of related records');
    assert.deepEqual(titles(suProbe), ['probe'], 'a superuser can');
    assert.deepEqual(titles(badFields), ['probe']);
    await alice.realtime.unsubscribe();
    await su.realtime.unsubscribe();
  });

  test('the SDK reports a refused subscription as an error', async () => {
    await assert.rejects(alice.collection('rt_posts').subscribe('*', () => undefined, { headers: { x: 'y' }, fields: 'id' }).then(async () => {
      // a valid one succeeds; force a refused one: a topic longer than the limit
      await alice.collection('rt_posts').subscribe('x'.repeat(3000), () => undefined);
    }), (err: unknown) => err instanceof ClientResponseError && err.status === 400);
    await alice.realtime.unsubscribe();
  });

  // Last: it revokes bob's tokens.
  test("a password change (tokenKey rotated) turns the user's streams into guest streams", async () => {
    const inbox = await listen(bob, 'rt_posts', '*');
    const publicInbox = await listen(bob, 'rt_public', '*');
    await su.collection('rt_posts').create({ title: 'before', owner: bobId });
    await su.collection('users').update(bobId, { password: 'password-456', passwordConfirm: 'password-456' });
    await su.collection('rt_posts').create({ title: 'after', owner: bobId });
    await sentinel(publicInbox);
    assert.deepEqual(titles(inbox), ['before']);
    await bob.realtime.unsubscribe();
  });
});
