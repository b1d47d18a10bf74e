/**
 * The email and OTP routes in process: validation codes, answers that never reveal whether
 * an email exists, superuser and disabled-method refusals, token types and lifetimes (with
 * an injected clock). Delivery itself is tested against a real SMTP server in
 * test/sdk/email.test.ts; here the app's mail transport is a recorder.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createServer } from '../../src/apis/server.js';
import { TenantApp } from '../../src/core/app.js';
import { createMFA, createOTP, deleteExpired, findMFA, findOTP, rememberOrigin } from '../../src/core/auth_sessions.js';
import type { MailMessage } from '../../src/core/mailer.js';
import { findAuthRecordByIdentity } from '../../src/core/record_find.js';
import { applyInput, createRecord, deleteRecord, newRecord, updateRecord } from '../../src/core/record_save.js';
import { newRecordToken } from '../../src/core/tokens.js';
import { fixture } from '../support/fixture.js';
import { scenarios } from '../support/scenario.js';

const fx = () => fixture().dir;
const su = () => ({ authorization: fixture().superuserToken });
const code = (field: string, c: string) => `"${field}":{"code":"${c}"`;

scenarios(fx, [
  { name: 'request-verification without email', method: 'POST', url: '/api/collections/users/request-verification', body: {}, expectedStatus: 400, expectedContent: [code('email', 'validation_required')] },
  { name: 'request-verification with a bad email', method: 'POST', url: '/api/collections/users/request-verification', body: { email: 'nope' }, expectedStatus: 400, expectedContent: [code('email', 'validation_is_email')] },
  { name: 'request-verification for an unknown email', method: 'POST', url: '/api/collections/users/request-verification', body: { email: 'ghost@example.com' }, expectedStatus: 204, expectedEvents: { OnRecordRequestVerificationRequest: 0 } },
  { name: 'request-verification for a known email', method: 'POST', url: '/api/collections/users/request-verification', body: { email: 'user1@example.com' }, expectedStatus: 204, expectedEvents: { OnRecordRequestVerificationRequest: 1 } },
  { name: 'request-verification on superusers', method: 'POST', url: '/api/collections/_superusers/request-verification', body: { email: 'test@example.com' }, expectedStatus: 400, expectedContent: ['All superusers are verified by default.'] },
  { name: 'request-verification on a base collection', method: 'POST', url: '/api/collections/posts/request-verification', body: { email: 'a@example.com' }, expectedStatus: 404 },
  { name: 'confirm-verification without token', method: 'POST', url: '/api/collections/users/confirm-verification', body: {}, expectedStatus: 400, expectedContent: [code('token', 'validation_required')] },
  { name: 'confirm-verification with garbage', method: 'POST', url: '/api/collections/users/confirm-verification', body: { token: 'abc' }, expectedStatus: 400, expectedContent: [code('token', 'validation_invalid_token_claims')] },
  { name: 'confirm-verification with an auth token', method: 'POST', url: '/api/collections/users/confirm-verification', get body() { return { token: fixture().user1Token }; }, expectedStatus: 400, expectedContent: [code('token', 'validation_invalid_token_claims')] },
  { name: 'request-password-reset for an unknown email', method: 'POST', url: '/api/collections/users/request-password-reset', body: { email: 'ghost@example.com' }, expectedStatus: 204 },
  { name: 'confirm-password-reset with nothing', method: 'POST', url: '/api/collections/users/confirm-password-reset', body: {}, expectedStatus: 400, expectedContent: [code('token', 'validation_required'), code('password', 'validation_required'), code('passwordConfirm', 'validation_required')] },
  { name: 'confirm-password-reset with an auth token', method: 'POST', url: '/api/collections/users/confirm-password-reset', get body() { return { token: fixture().user1Token, password: '1234567890', passwordConfirm: '1234567890' }; }, expectedStatus: 400, expectedContent: [code('token', 'validation_invalid_token')] },
  { name: 'request-email-change as guest', method: 'POST', url: '/api/collections/users/request-email-change', body: { newEmail: 'x@example.com' }, expectedStatus: 401 },
  { name: 'request-email-change to the same email', method: 'POST', url: '/api/collections/users/request-email-change', get headers() { return { authorization: fixture().user1Token }; }, body: { newEmail: 'user1@example.com' }, expectedStatus: 400, expectedContent: [code('newEmail', 'validation_not_in_invalid')] },
  { name: 'request-email-change on superusers', method: 'POST', url: '/api/collections/_superusers/request-email-change', get headers() { return su(); }, body: { newEmail: 'x@example.com' }, expectedStatus: 400 },
  { name: 'confirm-email-change with a token without newEmail', method: 'POST', url: '/api/collections/users/confirm-email-change', get body() { return { token: fixture().user1Token, password: '1234567890' }; }, expectedStatus: 400, expectedContent: [code('token', 'validation_invalid_token_payload')] },
  { name: 'request-otp while OTP is off', method: 'POST', url: '/api/collections/users/request-otp', body: { email: 'user1@example.com' }, expectedStatus: 403 },
  { name: 'auth-with-otp while OTP is off', method: 'POST', url: '/api/collections/users/auth-with-otp', body: { otpId: 'x', password: 'y' }, expectedStatus: 403 },
  {
    name: 'request-otp for an unknown email answers an id', method: 'POST', url: '/api/collections/users/request-otp', body: { email: 'ghost@example.com' }, expectedStatus: 200, expectedContent: ['"otpId":"'],
    beforeTest: (app) => app.write(() => {
      const c = structuredClone(app.collections.find('users')!);
      c.auth!.otp.enabled = true;
      app.collections.persist(c, false);
    }),
  },
  { name: 'test email while SMTP is off', method: 'POST', url: '/api/settings/test/email', get headers() { return su(); }, body: { email: 'a@example.com', template: 'otp' }, expectedStatus: 400, expectedContent: ['Failed to send the test email.'] },
  { name: 'test email to a base collection', method: 'POST', url: '/api/settings/test/email', get headers() { return su(); }, body: { email: 'a@example.com', template: 'otp', collection: 'posts' }, expectedStatus: 400, expectedContent: [code('collection', 'validation_invalid_auth_collection')] },
  { name: 'test email as a user', method: 'POST', url: '/api/settings/test/email', get headers() { return { authorization: fixture().user1Token }; }, body: { email: 'a@example.com', template: 'otp' }, expectedStatus: 403 },
]);

test('tokens expire: verification after a day, password reset and email change after 30 minutes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'burrow-authmail-'));
  let clock = Date.parse('2026-03-01T00:00:00Z');
  const app = TenantApp.open({ dir, now: () => new Date(clock) });
  const sent: MailMessage[] = [];
  app.mailer = { send: async (m) => void sent.push(m) };
  const server = await createServer(app, { logError: () => undefined });
  try {
    const users = app.collections.find('users')!;
    const u = newRecord(users);
    createRecord(app, u, applyInput(u, { email: 'clock@example.com', password: '1234567890', passwordConfirm: '1234567890' }, { privileged: true, superuser: true }));
    const record = findAuthRecordByIdentity(app, users, 'email', 'clock@example.com')!;
    const verification = newRecordToken(app, record, 'verification', { extra: { email: 'clock@example.com' } });
    const reset = newRecordToken(app, record, 'passwordReset', { extra: { email: 'clock@example.com' } });
    const change = newRecordToken(app, record, 'emailChange', { extra: { email: 'clock@example.com', newEmail: 'new@example.com' } });
    const post = (path: string, body: unknown) => server.inject({ method: 'POST', url: `/api/collections/users/${path}`, payload: body as object });

    clock += 31 * 60_000;
    assert.equal((await post('confirm-password-reset', { token: reset, password: 'abcdefghij', passwordConfirm: 'abcdefghij' })).statusCode, 400);
    assert.equal((await post('confirm-email-change', { token: change, password: '1234567890' })).statusCode, 400);
    assert.equal((await post('confirm-verification', { token: verification })).statusCode, 204, 'a day has not passed');
    clock += 24 * 3600_000;
    const fresh = newRecordToken(app, record, 'verification', { extra: { email: 'clock@example.com' } });
    clock += 24 * 3600_000 + 1000;
    assert.equal((await post('confirm-verification', { token: fresh })).statusCode, 400);

    // a reset mail is not sent twice within 2 minutes, but again after
    await post('request-password-reset', { email: 'clock@example.com' });
    await post('request-password-reset', { email: 'clock@example.com' });
    for (let i = 0; i < 20 && sent.length < 1; i++) await new Promise((r) => setImmediate(r));
    assert.equal(sent.length, 1);
    clock += 2 * 60_000 + 1;
    await post('request-password-reset', { email: 'clock@example.com' });
    for (let i = 0; i < 20 && sent.length < 2; i++) await new Promise((r) => setImmediate(r));
    assert.equal(sent.length, 2);
    assert.equal(sent[0].to[0].address, 'clock@example.com');
    assert.match(sent[0].subject, /Reset your .* password/);
  } finally {
    await server.close();
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the __pbOTPCleanup__ and __pbMFACleanup__ jobs delete expired codes and MFA sessions only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'burrow-cleanup-'));
  let clock = Date.parse('2026-03-01T00:00:00Z');
  const app = TenantApp.open({ dir, now: () => new Date(clock) });
  try {
    const users = app.collections.find('users')!;
    const u = newRecord(users);
    createRecord(app, u, applyInput(u, { email: 'jobs@example.com', password: '1234567890', passwordConfirm: '1234567890' }, { privileged: true, superuser: true }));
    const owner = findAuthRecordByIdentity(app, users, 'email', 'jobs@example.com')!;
    const oldOtp = app.write(() => createOTP(app, owner, '123456'));
    const oldMfa = app.write(() => createMFA(app, owner, 'password'));
    clock += 3600_000; // past both durations (OTP 180 s, MFA 1800 s)
    const freshOtp = app.write(() => createOTP(app, owner, '654321'));
    const freshMfa = app.write(() => createMFA(app, owner, 'otp'));
    assert.equal(deleteExpired(app, '_otps'), 1);
    assert.equal(deleteExpired(app, '_mfas'), 1);
    assert.equal(findOTP(app, oldOtp.id), undefined);
    assert.equal(findMFA(app, oldMfa.id), undefined);
    assert.ok(findOTP(app, freshOtp.id));
    assert.ok(findMFA(app, freshMfa.id));
    assert.ok(app.cron.list().some((j) => j.id === '__pbOTPCleanup__' && j.expression === '0 * * * *'));
    assert.ok(app.cron.list().some((j) => j.id === '__pbMFACleanup__' && j.expression === '0 * * * *'));
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('auth-with-otp honours the auth rule; an account\'s links, sessions and devices go with it; a new password forgets devices', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'burrow-authrefs-'));
  const app = TenantApp.open({ dir });
  const server = await createServer(app, { logError: () => undefined });
  try {
    app.write(() => {
      const c = structuredClone(app.collections.find('users')!);
      c.auth!.otp.enabled = true;
      c.auth!.authRule = 'verified = true';
      app.collections.persist(c, false);
    });
    const users = app.collections.find('users')!;
    const u = newRecord(users);
    createRecord(app, u, applyInput(u, { email: 'refs@example.com', password: '1234567890', passwordConfirm: '1234567890' }, { privileged: true, superuser: true }));
    const owner = findAuthRecordByIdentity(app, users, 'email', 'refs@example.com')!;
    const otp = app.write(() => createOTP(app, owner, '123456'));
    const res = await server.inject({ method: 'POST', url: '/api/collections/users/auth-with-otp', payload: { otpId: otp.id, password: '123456' } });
    assert.equal(res.statusCode, 403, res.body);

    app.write(() => {
      createMFA(app, owner, 'password');
      createOTP(app, owner, '999999');
      rememberOrigin(app, owner, 'device-a').save();
    });
    const count = (name: string) => app.store.data.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${name} WHERE recordRef = ?`, [owner.id])!.n;
    assert.equal(count('_authOrigins'), 1);
    // a new password forgets the known devices
    app.write(() => updateRecord(app, owner, applyInput(owner, { password: 'new-password-1', passwordConfirm: 'new-password-1' }, { privileged: true, superuser: true })));
    assert.equal(count('_authOrigins'), 0);
    app.write(() => rememberOrigin(app, owner, 'device-b').save());
    const ext = newRecord(app.collections.find('_externalAuths')!);
    createRecord(app, ext, applyInput(ext, { collectionRef: users.id, recordRef: owner.id, provider: 'oidc', providerId: 'p1' }, { privileged: true, superuser: true }));
    for (const name of ['_mfas', '_otps', '_authOrigins', '_externalAuths']) assert.ok(count(name) > 0, name);
    deleteRecord(app, findAuthRecordByIdentity(app, users, 'email', 'refs@example.com')!);
    for (const name of ['_mfas', '_otps', '_authOrigins', '_externalAuths']) assert.equal(count(name), 0, name);
  } finally {
    await server.close();
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
