/**
 * The fixture data dir the API scenarios run on: built once per test process with the real
 * pipeline (so it is always in step with the schema code), then copied per scenario.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TenantApp } from '../../src/core/app.js';
import { collectionFromCreateInput } from '../../src/core/collection_input.js';
import { createCollection } from '../../src/core/collection_save.js';
import { findAuthRecordByIdentity } from '../../src/core/record_find.js';
import type { RecordModel } from '../../src/core/record_model.js';
import { applyInput, createRecord, newRecord } from '../../src/core/record_save.js';
import { upsertSuperuser } from '../../src/core/superusers.js';
import { newRecordToken } from '../../src/core/tokens.js';

/** Tokens and ids scenarios refer to. */
export interface Fixture {
  dir: string;
  superuserToken: string;
  user1Token: string;
  user2Token: string;
  ids: Record<string, string>;
}

function create(app: TenantApp, collection: string, data: Record<string, unknown>): RecordModel {
  const c = app.collections.find(collection);
  if (!c) throw new Error(`missing ${collection}`);
  const r = newRecord(c);
  const errors = applyInput(r, data, { privileged: true, superuser: true });
  return createRecord(app, r, errors);
}

function collection(app: TenantApp, input: Record<string, unknown>): void {
  const { collection: c, errors } = collectionFromCreateInput(input);
  if (Object.keys(errors).length) throw new Error(JSON.stringify(errors));
  createCollection(app, c);
}

let cached: Fixture | undefined;

/** Builds (once per process) and returns the fixture. */
export function fixture(): Fixture {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'burrow-fixture-'));
  const app = TenantApp.open({ dir });
  const su = upsertSuperuser(app, 'test@example.com', '1234567890');
  const u1 = create(app, 'users', { id: 'user1aaaaaaaaaa', email: 'user1@example.com', password: '1234567890', passwordConfirm: '1234567890', name: 'User One' });
  const u2 = create(app, 'users', { id: 'user2aaaaaaaaaa', email: 'user2@example.com', emailVisibility: true, password: '1234567890', passwordConfirm: '1234567890', name: 'User Two' });
  collection(app, {
    name: 'tags', type: 'base', listRule: '', viewRule: '', createRule: null, updateRule: null, deleteRule: null,
    fields: [{ name: 'name', type: 'text', required: true }],
  });
  const tagA = create(app, 'tags', { id: 'tagaaaaaaaaaaaa', name: 'alpha' });
  const tagB = create(app, 'tags', { id: 'tagbbbbbbbbbbbb', name: 'beta' });
  const tagsId = app.collections.find('tags')!.id;
  collection(app, {
    name: 'posts', type: 'base',
    listRule: "public = true || author = @request.auth.id",
    viewRule: "public = true || author = @request.auth.id",
    createRule: "@request.auth.id != '' && @request.body.author = @request.auth.id",
    updateRule: 'author = @request.auth.id',
    deleteRule: 'author = @request.auth.id',
    fields: [
      { name: 'title', type: 'text', required: true, max: 100 },
      { name: 'body', type: 'editor' },
      { name: 'views', type: 'number', onlyInt: true, min: 0 },
      { name: 'public', type: 'bool' },
      { name: 'status', type: 'select', values: ['draft', 'published'], maxSelect: 1 },
      { name: 'labels', type: 'select', values: ['a', 'b', 'c'], maxSelect: 3 },
      { name: 'author', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
      { name: 'tags', type: 'relation', collectionId: tagsId, maxSelect: 5 },
      { name: 'meta', type: 'json' },
      { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
      { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
    ],
    indexes: ['CREATE INDEX idx_posts_views ON posts (views)'],
  });
  const p1 = create(app, 'posts', { id: 'post1aaaaaaaaaa', title: 'Hello world', body: '<p>First <b>post</b> body text</p>', views: 10, public: true, status: 'published', labels: ['a', 'b'], author: u1.id, tags: [tagA.id, tagB.id], meta: { k: 1 } });
  const p2 = create(app, 'posts', { id: 'post2aaaaaaaaaa', title: 'Private draft', views: 3, public: false, status: 'draft', author: u1.id, tags: [tagA.id] });
  const p3 = create(app, 'posts', { id: 'post3aaaaaaaaaa', title: 'Second public', views: 7, public: true, author: u2.id });
  collection(app, {
    name: 'secrets', type: 'base', fields: [{ name: 'value', type: 'text' }],
  });
  create(app, 'secrets', { id: 'secret1aaaaaaaa', value: 'top' });
  collection(app, { name: 'posts_view', type: 'view', listRule: '', viewRule: '', viewQuery: 'SELECT id, title, views FROM posts' });
  const fx: Fixture = {
    dir,
    superuserToken: newRecordToken(app, findAuthRecordByIdentity(app, app.collections.find('_superusers')!, 'email', 'test@example.com')!, 'auth'),
    user1Token: newRecordToken(app, u1, 'auth'),
    user2Token: newRecordToken(app, u2, 'auth'),
    ids: { su: su.id, u1: u1.id, u2: u2.id, p1: p1.id, p2: p2.id, p3: p3.id, tagA: tagA.id, tagB: tagB.id },
  };
  app.close();
  cached = fx;
  return fx;
}
