import assert from 'node:assert/strict';
import { fixture } from '../support/fixture.js';
import { scenarios } from '../support/scenario.js';
import { signJwt } from '../../src/tools/security/jwt.js';

const fx = () => fixture().dir;
const su = () => ({ authorization: fixture().superuserToken });
const u1 = () => ({ authorization: fixture().user1Token });

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

scenarios(fx, [
  { name: 'auth-methods', method: 'GET', url: '/api/collections/users/auth-methods', expectedStatus: 200, expectedContent: ['"password":{"identityFields":["email"],"enabled":true}', '"oauth2":{', '"mfa":{', '"otp":{'] },
  { name: 'auth-methods of a base collection', method: 'GET', url: '/api/collections/posts/auth-methods', expectedStatus: 404 },
  {
    name: 'auth-with-password', method: 'POST', url: '/api/collections/users/auth-with-password', body: { identity: 'user1@example.com', password: '1234567890' }, expectedStatus: 200,
    expectedContent: ['"token":"', '"record":{', '"email":"user1@example.com"'], notExpectedContent: ['"password"', '"tokenKey"'],
    expectedEvents: { OnRecordAuthWithPasswordRequest: 1, OnRecordAuthRequest: 1, OnRecordEnrich: 1 },
    afterTest: (_app, body) => {
      const c = claims((body as { token: string }).token);
      assert.deepEqual(Object.keys(c).sort(), ['collectionId', 'exp', 'id', 'refreshable', 'type']);
      assert.equal(c.type, 'auth');
      assert.equal(c.refreshable, true);
      const lifetime = (c.exp as number) - Math.floor(Date.now() / 1000);
      assert.ok(lifetime > 432000 - 60 && lifetime <= 432000, `users token lifetime ${lifetime}`);
    },
  },
  { name: 'auth-with-password is case-insensitive on email', method: 'POST', url: '/api/collections/users/auth-with-password', body: { identity: 'USER1@example.com', password: '1234567890' }, expectedStatus: 200 },
  { name: 'auth-with-password wrong password', method: 'POST', url: '/api/collections/users/auth-with-password', body: { identity: 'user1@example.com', password: 'nope' }, expectedStatus: 400, expectedContent: ['Failed to authenticate.'] },
  { name: 'auth-with-password unknown identity', method: 'POST', url: '/api/collections/users/auth-with-password', body: { identity: 'nobody@example.com', password: '1234567890' }, expectedStatus: 400, expectedContent: ['Failed to authenticate.'] },
  { name: 'auth-with-password missing fields', method: 'POST', url: '/api/collections/users/auth-with-password', body: {}, expectedStatus: 400, expectedContent: ['"identity":{"code":"validation_required"', '"password":{"code":"validation_required"'] },
  {
    name: 'superuser auth token lives one day', method: 'POST', url: '/api/collections/_superusers/auth-with-password', body: { identity: 'test@example.com', password: '1234567890' }, expectedStatus: 200,
    afterTest: (_app, body) => {
      const c = claims((body as { token: string }).token);
      const lifetime = (c.exp as number) - Math.floor(Date.now() / 1000);
      assert.ok(lifetime > 86400 - 60 && lifetime <= 86400);
      assert.equal(c.collectionId, 'pbc_3142635823');
    },
  },
  {
    name: 'auth rule null disables auth', method: 'POST', url: '/api/collections/users/auth-with-password', body: { identity: 'user1@example.com', password: '1234567890' }, expectedStatus: 403,
    beforeTest: (app) => {
      const c = app.collections.find('users')!;
      app.write(() => app.store.data.run('UPDATE _collections SET options = json_set(options, \'$.authRule\', NULL) WHERE id = ?', [c.id]));
      app.collections.load();
    },
  },
  { name: 'auth-refresh', method: 'POST', url: '/api/collections/users/auth-refresh', get headers() { return u1(); }, expectedStatus: 200, expectedContent: ['"token":"', '"id":"user1aaaaaaaaaa"'], expectedEvents: { OnRecordAuthRefreshRequest: 1, OnRecordAuthRequest: 1 } },
  { name: 'auth-refresh with Bearer prefix', method: 'POST', url: '/api/collections/users/auth-refresh', get headers() { return { authorization: `Bearer ${fixture().user1Token}` }; }, expectedStatus: 200 },
  { name: 'auth-refresh without token', method: 'POST', url: '/api/collections/users/auth-refresh', expectedStatus: 401 },
  { name: 'auth-refresh with another collection token', method: 'POST', url: '/api/collections/users/auth-refresh', get headers() { return su(); }, expectedStatus: 403 },
  {
    name: 'forged token is a guest', method: 'POST', url: '/api/collections/users/auth-refresh',
    headers: { authorization: signJwt({ id: 'user1aaaaaaaaaa', type: 'auth', collectionId: '_pb_users_auth_', refreshable: true }, 'guessed-secret', 3600) },
    expectedStatus: 401,
  },
  {
    name: 'password change revokes old tokens', method: 'POST', url: '/api/collections/users/auth-refresh', get headers() { return u1(); }, expectedStatus: 401,
    beforeTest: (app) => app.write(() => app.store.data.run("UPDATE users SET tokenKey = 'rotatedrotatedrotatedrotatedrotated' WHERE id = 'user1aaaaaaaaaa'")),
  },
  {
    name: 'impersonate', method: 'POST', url: '/api/collections/users/impersonate/user1aaaaaaaaaa', get headers() { return su(); }, body: { duration: 100 }, expectedStatus: 200,
    expectedContent: ['"token":"', '"id":"user1aaaaaaaaaa"'],
    afterTest: (_app, body) => {
      const c = claims((body as { token: string }).token);
      assert.equal(c.refreshable, false);
      const lifetime = (c.exp as number) - Math.floor(Date.now() / 1000);
      assert.ok(lifetime > 90 && lifetime <= 100);
    },
  },
  { name: 'impersonate as user', method: 'POST', url: '/api/collections/users/impersonate/user2aaaaaaaaaa', get headers() { return u1(); }, expectedStatus: 403 },
  { name: 'impersonate as guest', method: 'POST', url: '/api/collections/users/impersonate/user2aaaaaaaaaa', expectedStatus: 401 },
  { name: 'impersonate missing record', method: 'POST', url: '/api/collections/users/impersonate/missing', get headers() { return su(); }, expectedStatus: 404 },
  { name: 'impersonate bad duration', method: 'POST', url: '/api/collections/users/impersonate/user1aaaaaaaaaa', get headers() { return su(); }, body: { duration: -5 }, expectedStatus: 400 },
]);
