/**
 * POST /api/_burrow/superuser-token: the control plane's one-click superuser login, signed with
 * the platform key. Requests are signed with @burrow/contracts' helper (the control plane's
 * own code), so these scenarios also pin the wire format between the two.
 */
import assert from 'node:assert/strict';
import { signPlatformRequest } from '@burrow/contracts';
import { fixture } from '../support/fixture.js';
import { scenarios } from '../support/scenario.js';

const fx = () => fixture().dir;
const KEY = 'platform-key-for-tests-0123456789abcdef';
const URL = '/api/_burrow/superuser-token';
const withKey = { platformKey: KEY };
const nowSec = () => Math.floor(Date.now() / 1000);

function signed(body: string, opts: { key?: string; at?: number } = {}): Record<string, string> {
  return { 'content-type': 'application/json', 'x-burrow-signature': signPlatformRequest(opts.key ?? KEY, body, opts.at ?? nowSec()) };
}

const SU_BODY = JSON.stringify({ email: 'test@example.com' });

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

scenarios(fx, [
  {
    name: 'good signature: a superuser token that works',
    method: 'POST', url: URL, body: SU_BODY, get headers() { return signed(SU_BODY); }, serverOptions: withKey,
    expectedStatus: 200,
    expectedContent: ['"token":"', '"record":{', '"email":"test@example.com"', '"collectionName":"_superusers"'],
    notExpectedContent: ['"password"', '"tokenKey"'],
    expectedEvents: { OnRecordAuthRequest: 1 },
    afterTest: async (_app, body, server) => {
      const { token } = body as { token: string };
      const c = claims(token);
      assert.equal(c.type, 'auth');
      assert.equal(c.collectionId, 'pbc_3142635823');
      assert.equal(c.id, fixture().ids.su);
      const list = await server.inject({ method: 'GET', url: '/api/collections/_superusers/records', headers: { authorization: token } });
      assert.equal(list.statusCode, 200, list.body);
      assert.ok(list.body.includes('"email":"test@example.com"'), list.body);
    },
  },
  {
    name: 'good signature, email in another case',
    method: 'POST', url: URL, body: '{"email":"TEST@example.com"}', get headers() { return signed('{"email":"TEST@example.com"}'); }, serverOptions: withKey,
    expectedStatus: 200, expectedContent: ['"email":"test@example.com"'],
  },
  {
    name: 'signed 55 s ago (within tolerance)',
    method: 'POST', url: URL, body: SU_BODY, get headers() { return signed(SU_BODY, { at: nowSec() - 55 }); }, serverOptions: withKey,
    expectedStatus: 200,
  },
  {
    name: 'wrong key', method: 'POST', url: URL, body: SU_BODY, get headers() { return signed(SU_BODY, { key: 'another-key-another-key-another-key' }); }, serverOptions: withKey,
    expectedStatus: 401, expectedContent: ['"status":401'], notExpectedContent: ['"token"'], expectedEvents: { '*': 0 },
  },
  {
    name: 'tampered body', method: 'POST', url: URL, body: SU_BODY, get headers() { return signed('{"email":"user1@example.com"}'); }, serverOptions: withKey,
    expectedStatus: 401, expectedEvents: { '*': 0 },
  },
  {
    name: 'stale timestamp (61 s old)', method: 'POST', url: URL, body: SU_BODY, get headers() { return signed(SU_BODY, { at: nowSec() - 61 }); }, serverOptions: withKey,
    expectedStatus: 401,
  },
  {
    name: 'timestamp too far ahead', method: 'POST', url: URL, body: SU_BODY, get headers() { return signed(SU_BODY, { at: nowSec() + 120 }); }, serverOptions: withKey,
    expectedStatus: 401,
  },
  {
    name: 'missing header', method: 'POST', url: URL, body: SU_BODY, headers: { 'content-type': 'application/json' }, serverOptions: withKey,
    expectedStatus: 401, expectedEvents: { '*': 0 },
  },
  {
    name: 'malformed header', method: 'POST', url: URL, body: SU_BODY, headers: { 'content-type': 'application/json', 'x-burrow-signature': 'garbage' }, serverOptions: withKey,
    expectedStatus: 401,
  },
  {
    name: 'a superuser token is not a signature', method: 'POST', url: URL, body: SU_BODY,
    get headers() { return { 'content-type': 'application/json', authorization: fixture().superuserToken }; }, serverOptions: withKey,
    expectedStatus: 401,
  },
  {
    name: 'unknown email', method: 'POST', url: URL, body: '{"email":"nobody@example.com"}', get headers() { return signed('{"email":"nobody@example.com"}'); }, serverOptions: withKey,
    expectedStatus: 404, expectedEvents: { '*': 0 },
  },
  {
    name: 'a users record is not a superuser', method: 'POST', url: URL, body: '{"email":"user1@example.com"}', get headers() { return signed('{"email":"user1@example.com"}'); }, serverOptions: withKey,
    expectedStatus: 404,
  },
  {
    name: 'bad body: not JSON', method: 'POST', url: URL, body: 'email=test@example.com', get headers() { return signed('email=test@example.com'); }, serverOptions: withKey,
    expectedStatus: 400,
  },
  {
    name: 'bad body: not an object', method: 'POST', url: URL, body: '["test@example.com"]', get headers() { return signed('["test@example.com"]'); }, serverOptions: withKey,
    expectedStatus: 400,
  },
  {
    name: 'bad body: email missing', method: 'POST', url: URL, body: '{"email":42}', get headers() { return signed('{"email":42}'); }, serverOptions: withKey,
    expectedStatus: 400, expectedContent: ['"email":{"code":"validation_required"'],
  },
  {
    name: 'no platform key configured: the route does not exist', method: 'POST', url: URL, body: SU_BODY, get headers() { return signed(SU_BODY); },
    expectedStatus: 404, notExpectedContent: ['"token"'],
  },
  {
    name: 'the route does not change how the rest parses JSON', method: 'POST', url: '/api/collections/_superusers/auth-with-password', serverOptions: withKey,
    body: { identity: 'test@example.com', password: '1234567890' }, expectedStatus: 200,
  },
]);
