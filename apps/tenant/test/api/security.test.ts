/** Regression scenarios for the security review: write protection, contexts, system rules, limits. */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import type { TenantApp } from '../../src/core/app.js';
import { collectionFromUpdateInput } from '../../src/core/collection_input.js';
import { updateCollection } from '../../src/core/collection_save.js';
import { fixture } from '../support/fixture.js';
import { runScenario, scenarios } from '../support/scenario.js';

const fx = () => fixture().dir;
const su = () => ({ authorization: fixture().superuserToken });
const u1 = () => ({ authorization: fixture().user1Token });

function update(collection: string, input: Record<string, unknown>) {
  return (app: TenantApp) => {
    const c = app.collections.find(collection)!;
    updateCollection(app, c, collectionFromUpdateInput(c, input).collection);
  };
}

function addHiddenRole(app: TenantApp): void {
  const c = app.collections.find('users')!;
  updateCollection(app, c, collectionFromUpdateInput(c, { fields: [...c.fields, { name: 'role', type: 'text', hidden: true }] }).collection);
}

const multipart = (parts: string) => `${parts}--B--\r\n`;
const filePart = (size: number) => `--B\r\nContent-Disposition: form-data; name="avatar"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n${'x'.repeat(size)}\r\n`;

scenarios(fx, [
  {
    name: 'guests cannot set hidden fields', method: 'POST', url: '/api/collections/users/records', beforeTest: addHiddenRole,
    body: { email: 'h@example.com', password: '1234567890', passwordConfirm: '1234567890', role: 'admin' }, expectedStatus: 200,
    afterTest: (app) => assert.equal(app.store.data.get<{ role: string }>("SELECT role FROM users WHERE email = 'h@example.com'")?.role, ''),
  },
  {
    name: 'owners cannot set hidden fields', method: 'PATCH', url: '/api/collections/users/records/user1aaaaaaaaaa', get headers() { return u1(); },
    beforeTest: addHiddenRole, body: { role: 'root', name: 'x' }, expectedStatus: 200,
    afterTest: (app) => assert.equal(app.store.data.get<{ role: string }>("SELECT role FROM users WHERE id = 'user1aaaaaaaaaa'")?.role, ''),
  },
  {
    name: 'superusers set and see hidden fields (never password or tokenKey)', method: 'PATCH', url: '/api/collections/users/records/user1aaaaaaaaaa',
    get headers() { return su(); }, beforeTest: addHiddenRole, body: { role: 'root' }, expectedStatus: 200,
    expectedContent: ['"role":"root"'], notExpectedContent: ['"tokenKey"', '"password"'],
  },
  {
    name: 'owners cannot change their email directly', method: 'PATCH', url: '/api/collections/users/records/user1aaaaaaaaaa', get headers() { return u1(); },
    body: { email: 'victim@example.com' }, expectedStatus: 400, expectedContent: ['"email":{"code":"validation_values_mismatch"'],
  },
  {
    name: 'batch requests see @request.context = batch', method: 'POST', url: '/api/batch', get headers() { return u1(); },
    beforeTest: (app) => {
      app.write(() => app.settings.save({ ...app.settings.get(), batch: { enabled: true, maxRequests: 5, timeout: 3, maxBodySize: 0 } }));
      update('posts', { createRule: "@request.context != 'batch'" })(app);
    },
    body: { requests: [{ method: 'POST', url: '/api/collections/posts/records', body: { title: 'x', author: 'user1aaaaaaaaaa' } }] },
    expectedStatus: 400,
  },
  {
    name: 'expanded records are checked with @request.context = expand', method: 'GET', url: '/api/collections/posts/records/post1aaaaaaaaaa?expand=tags',
    beforeTest: update('tags', { viewRule: "@request.context != 'expand'" }), expectedStatus: 200, expectedContent: ['"expand":{}'],
  },
  {
    name: 'password logins are checked with @request.context = password', method: 'POST', url: '/api/collections/users/auth-with-password',
    beforeTest: update('users', { authRule: "@request.context != 'password'" }),
    body: { identity: 'user1@example.com', password: '1234567890' }, expectedStatus: 403,
  },
  { name: 'system collection rules cannot change', method: 'PATCH', url: '/api/collections/_superusers', get headers() { return su(); }, body: { createRule: '' }, expectedStatus: 400, expectedContent: ['validation_collection_system_rule_change'] },
  { name: 'an empty manageRule is refused', method: 'PATCH', url: '/api/collections/users', get headers() { return su(); }, body: { manageRule: '' }, expectedStatus: 400, expectedContent: ['"manageRule":{"code":"validation_nil_or_not_empty_required"'] },
  { name: 'collection ids cannot hold path characters', method: 'POST', url: '/api/collections', get headers() { return su(); }, body: { id: '../../x y', name: 'pathy' }, expectedStatus: 400, expectedContent: ['"id":{"code":"validation_match_invalid"'] },
  { name: 'collection ids are unique', method: 'POST', url: '/api/collections', get headers() { return su(); }, body: { id: '_pb_users_auth_', name: 'dupid' }, expectedStatus: 400, expectedContent: ['"id":{'] },
  { name: 'index with a hidden second statement', method: 'POST', url: '/api/collections', get headers() { return su(); }, body: { name: 'ix', fields: [{ name: 'a', type: 'text' }], indexes: ["CREATE INDEX idx_ix ON ix (a) WHERE a != '' -- '\n; CREATE TABLE pwned(x); -- '"] }, expectedStatus: 400,
    afterTest: (app) => assert.equal(app.store.data.get("SELECT 1 FROM sqlite_master WHERE name = 'pwned'"), undefined) },
  { name: 'index on an unknown WHERE column', method: 'POST', url: '/api/collections', get headers() { return su(); }, body: { name: 'ix2', fields: [{ name: 'a', type: 'text' }], indexes: ['CREATE INDEX idx_ix2 ON ix2 (a) WHERE nope > 1'] }, expectedStatus: 400, expectedContent: ['validation_invalid_index_expression'],
    afterTest: (app) => assert.equal(app.collections.find('ix2'), undefined) },
  { name: 'collection named like an existing index', method: 'POST', url: '/api/collections', get headers() { return su(); }, body: { name: 'idx_posts_views' }, expectedStatus: 400 },
  {
    name: 'a unique expression index gives a field-less 400, not a 500', method: 'POST', url: '/api/collections/tags/records', get headers() { return su(); },
    beforeTest: update('tags', { indexes: ['CREATE UNIQUE INDEX idx_tags_lower ON tags (lower(name))'] }), body: { name: 'ALPHA' }, expectedStatus: 400,
  },
  { name: '@rowid sort on a view', method: 'GET', url: '/api/collections/posts_view/records?sort=@rowid', expectedStatus: 400 },
  { name: 'settings with a null rate limit rule', method: 'PATCH', url: '/api/settings', get headers() { return su(); }, body: { rateLimits: { rules: [null] } }, expectedStatus: 400 },
  {
    name: 'batch url with bad percent-encoding', method: 'POST', url: '/api/batch', get headers() { return su(); },
    beforeTest: (app) => app.write(() => app.settings.save({ ...app.settings.get(), batch: { enabled: true, maxRequests: 5, timeout: 3, maxBodySize: 0 } })),
    body: { requests: [{ method: 'POST', url: '/api/collections/%E0%A4%A/records', body: {} }] }, expectedStatus: 400, expectedContent: ['"status":404'],
  },
  { name: 'malformed URL answers in the API error shape', method: 'GET', url: '/api/collections/%E0%A4%A/records', expectedStatus: 400 },
  {
    name: 'an upload that fails validation leaves nothing behind', method: 'POST', url: '/api/collections/users/records',
    headers: { 'content-type': 'multipart/form-data; boundary=B' }, body: multipart(filePart(10)), expectedStatus: 400, expectedContent: ['"avatar":{"code":"validation_invalid_mime_type"'],
    afterTest: (app) => {
      assert.deepEqual(readdirSync(app.files.uploadsDir), []);
      assert.deepEqual(readdirSync(app.files.root), ['.uploads']);
    },
  },
  {
    name: 'multipart bodies over 32 MiB in total are refused', method: 'POST', url: '/api/collections/users/records',
    headers: { 'content-type': 'multipart/form-data; boundary=B' }, body: multipart(filePart(20 << 20) + filePart(20 << 20)), expectedStatus: 413,
    afterTest: (app) => assert.deepEqual(readdirSync(app.files.uploadsDir), []),
  },
]);

test('unknown identities take as long as wrong passwords (no account probing by timing)', async () => {
  const time = async (identity: string) => {
    const t = performance.now();
    await runScenario(fx(), { name: identity, method: 'POST', url: '/api/collections/users/auth-with-password', body: { identity, password: 'wrong-password' }, expectedStatus: 400 });
    return performance.now() - t;
  };
  const known = await time('user1@example.com');
  const unknown = await time('nobody@example.com');
  // Both include a bcrypt comparison (tens of ms); without the dummy one the unknown case is a few ms.
  assert.ok(unknown > known * 0.5, `known ${known.toFixed(1)} ms, unknown ${unknown.toFixed(1)} ms`);
});
