/** The rule language in API rules: @request.body modifiers, @collection joins, manageRule, hidden emails. */
import assert from 'node:assert/strict';
import type { TenantApp } from '../../src/core/app.js';
import { collectionFromUpdateInput } from '../../src/core/collection_input.js';
import { updateCollection } from '../../src/core/collection_save.js';
import { fixture } from '../support/fixture.js';
import { scenarios } from '../support/scenario.js';

const fx = () => fixture().dir;
const u1 = () => ({ authorization: fixture().user1Token });
const u2 = () => ({ authorization: fixture().user2Token });
const enc = encodeURIComponent;

function setRules(collection: string, rules: Record<string, unknown>) {
  return (app: TenantApp) => {
    const c = app.collections.find(collection)!;
    const { collection: next } = collectionFromUpdateInput(c, rules);
    updateCollection(app, c, next);
  };
}

scenarios(fx, [
  {
    name: ':isset refuses a field in the body', method: 'PATCH', url: '/api/collections/posts/records/post1aaaaaaaaaa', get headers() { return u1(); },
    beforeTest: setRules('posts', { updateRule: 'author = @request.auth.id && @request.body.views:isset = false' }),
    body: { views: 100 }, expectedStatus: 404,
  },
  {
    name: ':isset lets other fields through', method: 'PATCH', url: '/api/collections/posts/records/post1aaaaaaaaaa', get headers() { return u1(); },
    beforeTest: setRules('posts', { updateRule: 'author = @request.auth.id && @request.body.views:isset = false' }),
    body: { title: 'ok' }, expectedStatus: 200, expectedContent: ['"title":"ok"'],
  },
  {
    name: ':changed refuses a changed value', method: 'PATCH', url: '/api/collections/posts/records/post1aaaaaaaaaa', get headers() { return u1(); },
    beforeTest: setRules('posts', { updateRule: 'author = @request.auth.id && @request.body.status:changed = false' }),
    body: { status: 'draft' }, expectedStatus: 404,
  },
  {
    name: ':changed accepts the same value', method: 'PATCH', url: '/api/collections/posts/records/post1aaaaaaaaaa', get headers() { return u1(); },
    beforeTest: setRules('posts', { updateRule: 'author = @request.auth.id && @request.body.status:changed = false' }),
    body: { status: 'published', title: 'same status' }, expectedStatus: 200,
  },
  {
    name: '@request.body :length and :each in a create rule', method: 'POST', url: '/api/collections/posts/records', get headers() { return u1(); },
    beforeTest: setRules('posts', { createRule: "@request.body.labels:length <= 2 && @request.body.labels:each != 'c'" }),
    body: { title: 'x', author: 'user1aaaaaaaaaa', labels: ['a', 'c'] }, expectedStatus: 400,
  },
  {
    name: '@request.body relation path in a create rule', method: 'POST', url: '/api/collections/posts/records', get headers() { return u1(); },
    beforeTest: setRules('posts', { createRule: "@request.body.tags.name ?= 'beta'" }),
    body: { title: 'x', author: 'user1aaaaaaaaaa', tags: ['tagbbbbbbbbbbbb'] }, expectedStatus: 200,
  },
  {
    name: '@request.auth relation path in a list rule', method: 'GET', url: '/api/collections/tags/records', get headers() { return u1(); },
    beforeTest: setRules('tags', { listRule: "@request.auth.name = 'User One'" }), expectedStatus: 200, expectedContent: ['"totalItems":2'],
  },
  {
    name: '@request.auth relation path denies others', method: 'GET', url: '/api/collections/tags/records', get headers() { return u2(); },
    beforeTest: setRules('tags', { listRule: "@request.auth.name = 'User One'" }), expectedStatus: 200, expectedContent: ['"totalItems":0'],
  },
  {
    name: '@collection with alias in a view rule', method: 'GET', url: '/api/collections/tags/records/tagaaaaaaaaaaaa', get headers() { return u2(); },
    beforeTest: setRules('tags', { viewRule: '@collection.posts:p.author ?= @request.auth.id && @collection.posts:p.tags ?~ id' }),
    expectedStatus: 404,
  },
  {
    name: '@collection with alias allows the matching user', method: 'GET', url: '/api/collections/tags/records/tagaaaaaaaaaaaa', get headers() { return u1(); },
    beforeTest: setRules('tags', { viewRule: '@collection.posts:p.author ?= @request.auth.id && @collection.posts:p.tags ?~ id' }),
    expectedStatus: 200,
  },
  {
    name: 'manageRule lets a manager change another user without oldPassword', method: 'PATCH', url: '/api/collections/users/records/user2aaaaaaaaaa', get headers() { return u1(); },
    beforeTest: setRules('users', { updateRule: "@request.auth.name = 'User One'", manageRule: "@request.auth.name = 'User One'" }),
    body: { password: 'brandnewpass1', passwordConfirm: 'brandnewpass1', verified: true }, expectedStatus: 200, expectedContent: ['"verified":true'],
  },
  {
    name: 'without manageRule the same change needs oldPassword and refuses verified', method: 'PATCH', url: '/api/collections/users/records/user2aaaaaaaaaa', get headers() { return u1(); },
    beforeTest: setRules('users', { updateRule: "@request.auth.name = 'User One'" }),
    body: { password: 'brandnewpass1', passwordConfirm: 'brandnewpass1', verified: true }, expectedStatus: 400,
    expectedContent: ['"oldPassword":{', '"verified":{'],
  },
  {
    name: 'filtering by a hidden email never matches for others', method: 'GET', url: `/api/collections/users/records?filter=${enc("email = 'user1@example.com'")}`, get headers() { return u2(); },
    beforeTest: setRules('users', { listRule: '' }), expectedStatus: 200, expectedContent: ['"totalItems":0'],
  },
  {
    name: 'filtering by a public email matches', method: 'GET', url: `/api/collections/users/records?filter=${enc("email = 'user2@example.com'")}`, get headers() { return u1(); },
    beforeTest: setRules('users', { listRule: '' }), expectedStatus: 200, expectedContent: ['"totalItems":1', '"email":"user2@example.com"'],
  },
  {
    name: 'a relation filter applies the related list rule for users', method: 'GET', url: `/api/collections/posts/records?filter=${enc("author.name = 'User One'")}`, get headers() { return u2(); },
    expectedStatus: 200, expectedContent: ['"totalItems":0'],
  },
  {
    name: 'a relation filter into a superusers-only collection is refused', method: 'GET', url: `/api/collections/posts/records?filter=${enc("tags.name = 'x'")}`, get headers() { return u2(); },
    beforeTest: setRules('tags', { listRule: null }), expectedStatus: 400,
  },
  {
    name: 'the same relation filter works for superusers', method: 'GET', url: `/api/collections/posts/records?filter=${enc("author.name = 'User One'")}`, get headers() { return { authorization: fixture().superuserToken }; },
    expectedStatus: 200, expectedContent: ['"totalItems":2'],
    afterTest: (_app, body) => assert.equal((body as { items: unknown[] }).items.length, 2),
  },
]);

scenarios(fx, [
  {
    name: 'urlencoded numbers compare as numbers in rules', method: 'POST', url: '/api/collections/posts/records',
    get headers() { return { ...u1(), 'content-type': 'application/x-www-form-urlencoded' }; },
    beforeTest: setRules('posts', { createRule: '@request.body.views > 50' }),
    body: 'title=x&author=user1aaaaaaaaaa&views=100', expectedStatus: 200, expectedContent: ['"views":100'],
  },
  {
    // As text, '9' > 50 would be true in SQLite (text sorts after numbers): the cast makes it false.
    name: 'urlencoded small numbers fail a numeric rule', method: 'POST', url: '/api/collections/posts/records',
    get headers() { return { ...u1(), 'content-type': 'application/x-www-form-urlencoded' }; },
    beforeTest: setRules('posts', { createRule: '@request.body.views > 50' }),
    body: 'title=x&author=user1aaaaaaaaaa&views=9', expectedStatus: 400,
  },
]);
