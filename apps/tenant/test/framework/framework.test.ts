/**
 * Burrow as a library: createApp, hooks that change and abort writes, events in order, custom
 * routes with params and middlewares, the records API, crons from code; driven with the
 * official SDK against a real server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import {
  activityLogger, badRequest, bodyLimit, createApp, rateLimit, requireAuth, requireSuperuserAuth, upsertSuperuser,
  type BurrowApp, type HookName, type RunningApp,
} from '../../src/index.js';
import { rejectsWith, sdkClient } from '../support/sdk.js';

const SU = { email: 'root@example.com', password: 'root-password-1' };
const USER = { email: 'ann@example.com', password: 'ann-password-1' };

describe('Burrow as a framework', () => {
  let root: string;
  let app: BurrowApp;
  let running: RunningApp;
  let su: PocketBase;
  let user: PocketBase;
  const fired: HookName[] = [];

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'burrow-framework-'));
    app = createApp({ dir: join(root, 'pb_data') });
    upsertSuperuser(app.app, SU.email, SU.password);
    app.app.hooks.observe((name) => {
      if (/^OnRecord(CreateRequest|Create|CreateExecute|Validate|AfterCreateSuccess)$|^OnModel(Create|CreateExecute|Validate|AfterCreateSuccess)$/.test(name)) fired.push(name);
    });
    // A hook that changes what is saved and aborts bad input, for one collection only.
    app.onRecordCreateRequest((e) => {
      const text = String(e.record.get('text') ?? '').trim();
      if (text.toLowerCase().includes('spam')) throw badRequest('No spam, please.', { text: { code: 'validation_spam', message: 'Looks like spam.' } });
      e.record.set('text', text.charAt(0).toUpperCase() + text.slice(1));
      e.next();
    }, 'comments');
    // The form: the collection first, an async handler that returns e.next().
    app.onRecordCreateRequest('notes', async (e) => {
      e.record.set('text', `${String(e.record.get('text') ?? '')}!`);
      return e.next();
    });
    // An async handler that awaits before e.next() cannot run inside the transaction: refused loudly.
    app.onRecordCreateRequest(async (e) => {
      await Promise.resolve();
      e.next();
    }, 'slow');
    app.onServe((e) => {
      e.router.get('/hello/{name}', (r) => ({ message: `Hello ${r.params.name}!` }));
      e.router.post('/comment', (r) => {
        const saved = app.records.create('comments', { text: r.body.text, author: r.auth?.id });
        return { id: saved.id, text: saved.get('text') };
      }, requireAuth('users'), activityLogger());
      const admin = e.router.group('/admin', requireSuperuserAuth());
      admin.get('/count/{collection}', (r) => ({ total: app.records.list(r.params.collection, { perPage: 1 }).totalItems }));
      e.router.get('/boom', () => {
        throw new Error('secret internal detail');
      });
      e.router.get('/limited', () => ({ ok: true }), rateLimit({ max: 2, intervalMs: 60_000 }));
      e.router.post('/small', () => ({ ok: true }), bodyLimit(16));
      e.next();
    });
    app.cron.add('nightly_digest', '0 3 * * *', () => undefined);
    running = await app.start({ http: '127.0.0.1:0' });
    su = sdkClient(running.url);
    await su.collection('_superusers').authWithPassword(SU.email, SU.password);
    await su.collections.create({
      name: 'comments', type: 'base', listRule: '', viewRule: '', createRule: '@request.auth.id != ""',
      fields: [{ name: 'text', type: 'text', required: true }, { name: 'author', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 }],
    });
    await su.collections.create({ name: 'notes', type: 'base', listRule: '', createRule: '', fields: [{ name: 'text', type: 'text' }] });
    await su.collection('users').create({ ...USER, passwordConfirm: USER.password });
    user = sdkClient(running.url);
    await user.collection('users').authWithPassword(USER.email, USER.password);
  });

  after(async () => {
    await running?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('hooks change what is saved, abort with an ApiError (nothing saved), only for their collection; events in order', async () => {
    fired.length = 0;
    const made = await user.collection('comments').create({ text: '  nice post ' });
    assert.equal(made.text, 'Nice post');
    assert.deepEqual(fired, [
      'OnRecordCreateRequest', 'OnRecordCreate', 'OnModelCreate', 'OnRecordValidate', 'OnModelValidate',
      'OnRecordCreateExecute', 'OnModelCreateExecute', 'OnRecordAfterCreateSuccess', 'OnModelAfterCreateSuccess',
    ]);
    const refused = await rejectsWith(user.collection('comments').create({ text: 'buy spam now' }), 400);
    assert.equal(refused.response.message, 'No spam, please.');
    assert.equal(refused.response.data.text.code, 'validation_spam');
    assert.equal((await su.collection('comments').getList(1, 10, { filter: 'text ~ "spam"' })).totalItems, 0, 'nothing saved');
    const other = await user.collection('notes').create({ text: '  untouched spam ' });
    assert.equal(other.text, '  untouched spam !', 'only its own collection\'s hook ran (not the comments one)');
    await su.collections.create({ name: 'slow', type: 'base', createRule: '', fields: [{ name: 'text', type: 'text' }] });
    const slow = await rejectsWith(user.collection('slow').create({ text: 'x' }), 500);
    assert.doesNotMatch(JSON.stringify(slow.response), /promise/, 'the reason stays in the log');
    assert.equal((await su.collection('slow').getList(1, 1)).totalItems, 0, 'nothing saved');
    const logged = await su.logs.getList(1, 5, { filter: 'data.url ~ "/collections/slow/records" && data.status = 500' });
    assert.match(JSON.stringify(logged.items[0]?.data), /returned a promise before calling e\.next\(\)/);
  });

  test('custom routes: params, JSON results, middlewares (auth, superuser, rate and body limits), errors in PocketBase\'s shape', async () => {
    assert.deepEqual(await user.send('/hello/Ann', {}), { message: 'Hello Ann!' });
    const created = (await user.send('/comment', { method: 'POST', body: { text: 'from a route' } })) as { id: string; text: string };
    assert.equal(created.text, 'from a route', 'the records API saves as the app (model hooks, not request hooks)');
    assert.equal((await su.collection('comments').getOne(created.id)).author, user.authStore.record?.id);
    const guest = sdkClient(running.url);
    const noAuth = await rejectsWith(guest.send('/comment', { method: 'POST', body: { text: 'x' } }), 401);
    assert.match(noAuth.response.message, /requires valid record authorization/);
    await rejectsWith(su.send('/comment', { method: 'POST', body: { text: 'x' } }), 403);
    await rejectsWith(user.send('/comment', { method: 'POST', body: {} }), 400);
    assert.deepEqual(await su.send('/admin/count/comments', {}), { total: 2 });
    await rejectsWith(user.send('/admin/count/comments', {}), 403);
    await rejectsWith(guest.send('/admin/count/comments', {}), 401);
    const boom = await rejectsWith(guest.send("/boom", {}), 500);
    assert.doesNotMatch(JSON.stringify(boom.response), /secret internal detail/);
    await guest.send('/limited', {});
    await guest.send('/limited', {});
    await rejectsWith(guest.send('/limited', {}), 429);
    await rejectsWith(guest.send('/small', { method: 'POST', body: { text: 'a body longer than sixteen bytes' } }), 413);
    await rejectsWith(guest.send('/nowhere', {}), 404);
    const logged = await su.logs.getList(1, 50, { filter: 'data.url ~ "/comment"' });
    assert.ok(logged.totalItems >= 3, 'custom routes are in the request log');
  });

  test('records API: find, list with a filter, expand, and a transaction that keeps all or nothing', async () => {
    const ann = app.records.findFirst('users', `email = "${USER.email}"`);
    assert.ok(ann);
    const first = app.records.findFirst('comments', 'text = "Nice post"');
    assert.ok(first);
    assert.equal(app.records.find('comments', first.id)?.get('text'), 'Nice post');
    const listed = app.records.list('comments', { filter: `author = "${ann.id}"`, sort: 'text', expand: 'author' });
    assert.deepEqual(listed.items.map((r) => r.get('text')), ['from a route']);
    assert.equal(app.records.list('comments', { sort: '-text' }).items[0].get('text'), 'from a route');
    assert.equal((listed.items[0].toJSON().expand as { author: { id: string } }).author.id, ann.id);
    assert.throws(() => app.records.transaction(() => {
      app.records.create('notes', { text: 'kept?' });
      throw new Error('changed my mind');
    }), /changed my mind/);
    assert.equal(app.records.findFirst('notes', 'text = "kept?"'), undefined, 'rolled back');
    app.records.transaction(() => {
      const a = app.records.create('notes', { text: 'one' });
      app.records.update(a, { text: 'one, edited' });
    });
    const edited = app.records.findFirst('notes', 'text = "one, edited"');
    assert.ok(edited);
    app.records.delete(edited);
    app.records.delete(edited);
    assert.equal(app.records.find('notes', edited.id), undefined);
    assert.throws(() => app.records.create('nosuch', {}), /Missing collection "nosuch"/);
  });

  test('crons added from code are listed by /api/crons', async () => {
    const crons = await su.crons.getFullList();
    assert.ok(crons.some((c) => c.id === 'nightly_digest' && c.expression === '0 3 * * *'));
  });
});
