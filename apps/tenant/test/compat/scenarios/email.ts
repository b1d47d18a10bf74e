/**
 * Email flows against a real SMTP server the scenario starts (one per run, so each target
 * gets its own): the settings test email, verification, password reset, email change, OTP,
 * MFA and a login alert. Mail subjects and recipients are compared exactly; tokens and codes
 * are read from the mails and followed.
 */
import type PocketBase from 'pocketbase';
import { startSmtp, type ReceivedMail, type SmtpHandle } from '../../support/smtp.js';
import { step, type Scenario, type StepContext } from '../scenario.js';

const PASSWORD = 'mail-pass-123';
let smtp: SmtpHandle | undefined;

function linkToken(mail: ReceivedMail, kind: string): string {
  return new RegExp(`confirm-${kind}/([A-Za-z0-9_.-]+)`).exec(mail.html)?.[1] ?? 'missing-token';
}

const mailView = (m: ReceivedMail) => ({ subject: m.subject, to: m.to });
const otpCode = (m: ReceivedMail, length: number) => new RegExp(`(\\d{${length}})`).exec(m.html.replace(/<[^>]+>/g, ' '))?.[1] ?? '';

async function next(address: string): Promise<ReceivedMail> {
  if (!smtp) throw new Error('SMTP not started');
  return smtp.next(address);
}

function device(ctx: StepContext, ua: string): PocketBase {
  const pb = ctx.client();
  pb.beforeSend = (url, options) => ({ url, options: { ...options, headers: { ...(options.headers as Record<string, string>), 'user-agent': ua } } });
  return pb;
}

/** The email flows; runs with a fresh SMTP server per target. */
export const emailScenario: Scenario = {
  name: 'email flows',
  steps: [
    step('configure SMTP', 'ok', async ({ su, exact }) => {
      await smtp?.close();
      smtp = await startSmtp();
      const s = await su.settings.update({
        meta: { appName: 'Compat Mail', appURL: 'http://compat.localhost', senderName: 'Compat', senderAddress: 'noreply@compat.test' },
        smtp: { enabled: true, host: smtp.host, port: smtp.port, tls: false },
      });
      exact('smtp', { ...(s.smtp as Record<string, unknown>), port: 'any' });
      return s.smtp;
    }),
    step('test email', 'ok', async ({ su, exact }) => {
      await su.settings.testEmail('users', 'tester@example.com', 'password-reset');
      exact('mail', mailView(await next('tester@example.com')));
      return null;
    }),
    step('test email with a bad template', 400, ({ su }) => su.settings.testEmail('users', 'tester@example.com', 'nope')),
    step('request verification', 'ok', async ({ su, guest, set, exact }) => {
      const u = await su.collection('users').create({ email: 'mailer@example.com', password: PASSWORD, passwordConfirm: PASSWORD });
      set('mailer', u.id);
      await guest.collection('users').requestVerification('mailer@example.com');
      const mail = await next('mailer@example.com');
      exact('mail', mailView(mail));
      set('verificationToken', linkToken(mail, 'verification'));
      return null;
    }),
    step('confirm verification with a bad token', 400, ({ guest }) => guest.collection('users').confirmVerification('bad')),
    step('confirm verification', 'ok', async ({ su, guest, get, exact }) => {
      await guest.collection('users').confirmVerification(get('verificationToken'));
      exact('verified', (await su.collection('users').getOne(get('mailer'))).verified);
      return null;
    }),
    step('confirm verification again', 'ok', ({ guest, get }) => guest.collection('users').confirmVerification(get('verificationToken'))),
    step('request password reset for an unknown email', 'ok', ({ guest }) => guest.collection('users').requestPasswordReset('nobody@example.com')),
    step('request and confirm a password reset', 'ok', async ({ guest, exact, set }) => {
      await guest.collection('users').requestPasswordReset('mailer@example.com');
      const mail = await next('mailer@example.com');
      exact('mail', mailView(mail));
      const token = linkToken(mail, 'password-reset');
      set('resetToken', token);
      await guest.collection('users').confirmPasswordReset(token, 'mail-pass-456', 'mail-pass-456');
      const auth = await guest.collection('users').authWithPassword('mailer@example.com', 'mail-pass-456');
      exact('email', auth.record.email);
      return auth.record;
    }),
    step('reuse the password reset token', 400, ({ guest, get }) => guest.collection('users').confirmPasswordReset(get('resetToken'), 'mail-pass-789', 'mail-pass-789')),
    step('request and confirm an email change', 'ok', async (ctx) => {
      const pb = ctx.client();
      await pb.collection('users').authWithPassword('mailer@example.com', 'mail-pass-456');
      await pb.collection('users').requestEmailChange('mailer2@example.com');
      const mail = await next('mailer2@example.com');
      ctx.exact('mail', mailView(mail));
      const token = linkToken(mail, 'email-change');
      ctx.set('changeToken', token);
      await ctx.guest.collection('users').confirmEmailChange(token, 'mail-pass-456');
      ctx.exact('email', (await ctx.su.collection('users').getOne(ctx.get('mailer'))).email);
      return null;
    }),
    step('reuse the email change token', 400, ({ guest, get }) => guest.collection('users').confirmEmailChange(get('changeToken'), 'mail-pass-456')),
    step('request an email change to a taken address', 400, async ({ client }) => {
      const pb = client();
      await pb.collection('users').authWithPassword('mailer2@example.com', 'mail-pass-456');
      return pb.collection('users').requestEmailChange('alice@example.com');
    }),
    step('OTP off', 403, ({ guest }) => guest.collection('users').requestOTP('mailer2@example.com')),
    step('OTP sign-in', 'ok', async ({ su, guest, exact }) => {
      await su.collections.update('users', { otp: { enabled: true, duration: 180, length: 6 } });
      const { otpId } = await guest.collection('users').requestOTP('mailer2@example.com');
      const mail = await next('mailer2@example.com');
      exact('mail', mailView(mail));
      const auth = await guest.collection('users').authWithOTP(otpId, otpCode(mail, 6));
      exact('email', auth.record.email);
      return auth;
    }),
    step('OTP with a wrong code', 400, async ({ guest }) => {
      const { otpId } = await guest.collection('users').requestOTP('mailer2@example.com');
      await next('mailer2@example.com');
      return guest.collection('users').authWithOTP(otpId, '000000');
    }),
    step('MFA: the first factor answers 401 with an mfaId', 401, async ({ su, guest }) => {
      await su.collections.update('users', { mfa: { enabled: true, duration: 600 } });
      return guest.collection('users').authWithPassword('mailer2@example.com', 'mail-pass-456');
    }),
    step('MFA: the OTP with the mfaId completes it', 'ok', async ({ su, guest, exact }) => {
      const first = await guest.collection('users').authWithPassword('mailer2@example.com', 'mail-pass-456').catch((e: { response: { mfaId?: string } }) => e.response);
      const mfaId = (first as { mfaId?: string }).mfaId ?? '';
      exact('has mfaId', mfaId.length);
      const { otpId } = await guest.collection('users').requestOTP('mailer2@example.com');
      const auth = await guest.collection('users').authWithOTP(otpId, otpCode(await next('mailer2@example.com'), 6), { mfaId });
      await su.collections.update('users', { mfa: { enabled: false }, otp: { enabled: false } });
      exact('email', auth.record.email);
      return auth;
    }),
    step('login alert from a new device', 'ok', async (ctx) => {
      await device(ctx, 'compat-laptop').collection('users').authWithPassword('mailer2@example.com', 'mail-pass-456');
      await device(ctx, 'compat-phone').collection('users').authWithPassword('mailer2@example.com', 'mail-pass-456');
      const mail = await next('mailer2@example.com');
      ctx.exact('mail', mailView(mail));
      await smtp?.close();
      smtp = undefined;
      return null;
    }),
  ],
};
