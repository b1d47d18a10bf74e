/**
 * Email flows through the official SDK against a live `burrow-tenant serve`, delivered to a
 * real SMTP server run by the test: the settings test email, verification, password reset,
 * email change, OTP, MFA and login alerts. Each test reads the message, follows its token or
 * code, and checks the outcome, and that used or misdirected tokens are refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { DEFAULT_SUPERUSER, startTenant, type ServerHandle } from '../support/processes.js';
import { rejectsWith, sdkClient } from '../support/sdk.js';
import { startSmtp, type ReceivedMail, type SmtpHandle } from '../support/smtp.js';

let server: ServerHandle;
let smtp: SmtpHandle;
let su: PocketBase;
const PASSWORD = 'password-123';

const client = (): PocketBase => sdkClient(server.url);

/** The token of a PocketBase confirm link in a mail (`.../confirm-<kind>/<token>`). */
function linkToken(mail: ReceivedMail, kind: string): string {
  const m = new RegExp(`confirm-${kind}/([A-Za-z0-9_.-]+)`).exec(mail.html);
  assert.ok(m, `no confirm-${kind} link in ${mail.html.slice(0, 2000)}`);
  return m[1];
}

async function newUser(email: string, collection = 'users'): Promise<PocketBase> {
  await su.collection(collection).create({ email, password: PASSWORD, passwordConfirm: PASSWORD });
  const pb = client();
  await pb.collection(collection).authWithPassword(email, PASSWORD);
  return pb;
}

describe('email flows through the SDK and a real SMTP server', { timeout: 120_000 }, () => {
  before(async () => {
    smtp = await startSmtp();
    server = await startTenant();
    su = client();
    await su.collection('_superusers').authWithPassword(DEFAULT_SUPERUSER.email, DEFAULT_SUPERUSER.password);
    await su.settings.update({
      meta: { appName: 'Burrow Test', appURL: 'http://app.localhost', senderName: 'Burrow', senderAddress: 'noreply@burrow.test' },
      smtp: { enabled: true, host: smtp.host, port: smtp.port, tls: false },
    });
    // a second auth collection, for tokens used against the wrong collection
    await su.collections.create({ name: 'members', type: 'auth', listRule: '', viewRule: '', createRule: '', updateRule: 'id = @request.auth.id', fields: [] });
  });
  after(async () => {
    await server?.stop();
    await smtp?.close();
  });

  test('settings: the test email goes out with the template, sender and app name', async () => {
    await su.settings.testEmail('_superusers', 'someone@example.com', 'verification');
    const mail = await smtp.next('someone@example.com');
    assert.equal(mail.subject, 'Verify your Burrow Test email');
    assert.equal(mail.from, 'noreply@burrow.test');
    assert.match(mail.html, /http:\/\/app\.localhost\/_\/#\/auth\/confirm-verification\/[\w-]+\.[\w-]+\.[\w-]+/);
    const bad = await rejectsWith(su.settings.testEmail('users', 'not-an-email', 'nope'), 400);
    assert.deepEqual(Object.keys(bad.response.data).sort(), ['email', 'template']);
    await rejectsWith(client().settings.testEmail('users', 'a@example.com', 'otp'), 401);
  });

  test('verification: request, follow the link token, verified; wrong collection refused', async () => {
    await newUser('verify@example.com');
    await client().collection('users').requestVerification('verify@example.com');
    const mail = await smtp.next('verify@example.com');
    const token = linkToken(mail, 'verification');
    const wrong = await rejectsWith(client().collection('members').confirmVerification(token), 400);
    assert.equal((wrong.response.data as Record<string, { code: string }>).token.code, 'validation_token_collection_mismatch');
    await client().collection('users').confirmVerification(token);
    const user = await su.collection('users').getFirstListItem('email = "verify@example.com"');
    assert.equal(user.verified, true);
    // an unknown address answers the same and sends nothing
    await client().collection('users').requestVerification('nobody@example.com');
    await rejectsWith(client().collection('users').confirmVerification('not-a-token'), 400);
    assert.equal(smtp.to('nobody@example.com').length, 0);
  });

  test('password reset: the mailed token sets a new password once, old sessions end', async () => {
    const old = await newUser('reset@example.com');
    await client().collection('users').requestPasswordReset('reset@example.com');
    const token = linkToken(await smtp.next('reset@example.com'), 'password-reset');
    // a second request within 2 minutes sends nothing
    await client().collection('users').requestPasswordReset('reset@example.com');
    await client().collection('users').confirmPasswordReset(token, 'brand-new-pass', 'brand-new-pass');
    await client().collection('users').authWithPassword('reset@example.com', 'brand-new-pass');
    await rejectsWith(client().collection('users').authWithPassword('reset@example.com', PASSWORD), 400);
    await rejectsWith(old.collection('users').authRefresh(), 401);
    // reuse: the new password rotated the token key
    const reuse = await rejectsWith(client().collection('users').confirmPasswordReset(token, 'another-pass-1', 'another-pass-1'), 400);
    assert.equal((reuse.response.data as Record<string, { code: string }>).token.code, 'validation_invalid_token');
    const mismatch = await rejectsWith(client().collection('users').confirmPasswordReset(token, 'a-long-pass', 'other'), 400);
    assert.equal((mismatch.response.data as Record<string, { code: string }>).passwordConfirm.code, 'validation_values_mismatch');
    assert.equal(smtp.to('reset@example.com').length, 1);
  });

  test('email change: the link goes to the new address and needs the password; reuse refused', async () => {
    const pb = await newUser('change@example.com');
    await rejectsWith(client().collection('users').requestEmailChange('x@example.com'), 401);
    const taken = await rejectsWith(pb.collection('users').requestEmailChange('verify@example.com'), 400);
    assert.equal((taken.response.data as Record<string, { code: string }>).newEmail.code, 'validation_invalid_new_email');
    await pb.collection('users').requestEmailChange('changed@example.com');
    const token = linkToken(await smtp.next('changed@example.com'), 'email-change');
    const wrongPassword = await rejectsWith(client().collection('users').confirmEmailChange(token, 'wrong-password'), 400);
    assert.equal((wrongPassword.response.data as Record<string, { code: string }>).password.code, 'validation_invalid_password');
    await client().collection('users').confirmEmailChange(token, PASSWORD);
    const user = await su.collection('users').getFirstListItem('email = "changed@example.com"');
    assert.equal(user.verified, true);
    await rejectsWith(client().collection('users').confirmEmailChange(token, PASSWORD), 400);
    assert.equal(smtp.to('change@example.com').length, 0, 'nothing goes to the old address');
  });

  test('OTP: the mailed code signs in once; unknown emails get an id and no mail; wrong codes are limited', async () => {
    await su.collections.update('users', { otp: { enabled: true, duration: 180, length: 6 } });
    await newUser('otp@example.com');
    const { otpId } = await client().collection('users').requestOTP('otp@example.com');
    const mail = await smtp.next('otp@example.com');
    const code = /(\d{6})/.exec(mail.html.replace(/<[^>]+>/g, ' '))?.[1];
    assert.ok(code, mail.html);
    const auth = await client().collection('users').authWithOTP(otpId, code);
    assert.equal(auth.record.email, 'otp@example.com');
    assert.equal(auth.record.verified, true, 'a code that reached the inbox proves it');
    await rejectsWith(client().collection('users').authWithOTP(otpId, code), 400);

    const unknown = await client().collection('users').requestOTP('ghost@example.com');
    assert.match(unknown.otpId, /^[a-z0-9]{15}$/);
    await rejectsWith(client().collection('users').authWithOTP(unknown.otpId, '123456'), 400);

    const second = await client().collection('users').requestOTP('otp@example.com');
    await smtp.next('otp@example.com');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push(await client().collection('users').authWithOTP(second.otpId, '000000').then(() => 200, (e: { status: number }) => e.status));
    // 5 attempts per record and client in 3 minutes; the successful sign-in above was one of them
    assert.deepEqual(statuses, [400, 400, 400, 400, 429, 429]);
    await su.collections.update('users', { otp: { enabled: false } });
    await rejectsWith(client().collection('users').requestOTP('otp@example.com'), 403);
  });

  test('MFA: the password answers 401 with an mfaId, the OTP with that mfaId completes the login', async () => {
    await su.collections.update('users', { otp: { enabled: true, duration: 180, length: 8 }, mfa: { enabled: true, duration: 600 } });
    await su.collection('users').create({ email: 'mfa@example.com', password: PASSWORD, passwordConfirm: PASSWORD, verified: true });
    const first = await rejectsWith(client().collection('users').authWithPassword('mfa@example.com', PASSWORD), 401);
    const mfaId = (first.response as { mfaId?: string }).mfaId;
    assert.match(mfaId ?? '', /^[a-z0-9]{15}$/);
    // the same method twice is not a second factor
    const same = await rejectsWith(client().collection('users').authWithPassword('mfa@example.com', PASSWORD, { mfaId }), 400);
    assert.equal(same.response.message, 'A different authentication method is required.');
    const { otpId } = await client().collection('users').requestOTP('mfa@example.com');
    const code = /(\d{8})/.exec((await smtp.next('mfa@example.com')).html.replace(/<[^>]+>/g, ' '))?.[1] ?? '';
    const done = await client().collection('users').authWithOTP(otpId, code, { mfaId });
    assert.equal(done.record.email, 'mfa@example.com');
    assert.ok(done.token);
    await su.collections.update('users', { mfa: { enabled: false }, otp: { enabled: false } });
  });

  test('login alerts: a login from a new device mails the user, a known one does not', async () => {
    await su.collection('users').create({ email: 'alert@example.com', password: PASSWORD, passwordConfirm: PASSWORD });
    const device = (ua: string) => {
      const pb = client();
      pb.beforeSend = (url, options) => ({ url, options: { ...options, headers: { ...(options.headers as Record<string, string>), 'user-agent': ua } } });
      return pb;
    };
    await device('laptop').collection('users').authWithPassword('alert@example.com', PASSWORD); // first login: no alert
    await device('laptop').collection('users').authWithPassword('alert@example.com', PASSWORD);
    await device('phone').collection('users').authWithPassword('alert@example.com', PASSWORD);
    const mail = await smtp.next('alert@example.com');
    assert.equal(mail.subject, 'Login from a new location');
    assert.match(mail.html, /phone/);
    assert.equal(smtp.to('alert@example.com').length, 1);
  });
});
