/**
 * The auth emails (verification, password reset, email change, OTP, login alert): the
 * collection's template with PocketBase's placeholders ({APP_NAME}, {APP_URL}, {TOKEN},
 * {OTP}, {OTP_ID}, {ALERT_INFO}, {RECORD:<field>} for every visible field, HTML-escaped
 * except numbers, bools and dates) inside a plain HTML layout. Each goes through its
 * OnMailerRecord...Send hook, which may change the message or stop it.
 */
import type { TenantApp } from './app.js';
import type { EmailTemplate } from './collection_model.js';
import type { HookName } from './hooks.js';
import type { MailMessage } from './mailer.js';
import type { RecordModel } from './record_model.js';
import { newRecordToken } from './tokens.js';

const escapeHTML = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
const UNESCAPED_TYPES = new Set(['autodate', 'date', 'bool', 'number']);

function layout(content: string): string {
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
<style>
  body { margin: 0; padding: 24px 12px; background: #f4f5f7; font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; font-size: 15px; line-height: 1.5; color: #16161a; }
  .card { max-width: 560px; margin: 0 auto; padding: 24px; background: #fff; border-radius: 6px; }
  .btn { display: inline-block; padding: 8px 18px; border-radius: 4px; background: #16161a; color: #fff !important; text-decoration: none; }
  p { margin: 0 0 12px; }
</style>
</head>
<body>
<div class="card">
${content}
</div>
</body>
</html>`;
}

function stringValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Subject and HTML body of a template for a record, with the extra placeholders. */
export function resolveTemplate(app: TenantApp, record: RecordModel, template: EmailTemplate, extra: Record<string, string>): { subject: string; html: string } {
  const meta = app.settings.get().meta;
  const placeholders: Record<string, string> = { '{APP_NAME}': meta.appName, '{APP_URL}': meta.appURL, ...extra };
  const json = record.toJSON();
  for (const f of record.collection.fields) {
    if (f.hidden) continue;
    const key = `{RECORD:${f.name}}`;
    if (key in placeholders) continue;
    const raw = f.name in json ? json[f.name] : record.get(f.name);
    const value = stringValue(raw);
    placeholders[key] = UNESCAPED_TYPES.has(f.type) ? value : escapeHTML(value);
  }
  let subject = template.subject;
  let body = template.body;
  for (const [k, v] of Object.entries(placeholders)) {
    subject = subject.split(k).join(v);
    body = body.split(k).join(v);
  }
  return { subject, html: layout(body) };
}

function message(app: TenantApp, to: string, content: { subject: string; html: string }): MailMessage {
  const meta = app.settings.get().meta;
  return { from: { name: meta.senderName, address: meta.senderAddress }, to: [{ address: to }], subject: content.subject, html: content.html };
}

async function sendThroughHook(app: TenantApp, hook: HookName, record: RecordModel, msg: MailMessage, meta: Record<string, unknown>): Promise<void> {
  const event = { app, record, message: msg, meta };
  let proceed = false;
  app.hooks.trigger(hook, event, () => {
    proceed = true;
  });
  if (proceed) await app.mailer.send(event.message);
}

/** The email-verification message with a fresh verification token. */
export function sendVerification(app: TenantApp, record: RecordModel): Promise<void> {
  const email = record.getString('email');
  const token = newRecordToken(app, record, 'verification', { extra: { email } });
  const msg = message(app, email, resolveTemplate(app, record, record.collection.auth!.verificationTemplate, { '{TOKEN}': token }));
  return sendThroughHook(app, 'OnMailerRecordVerificationSend', record, msg, { token });
}

/** The password-reset message with a fresh reset token. */
export function sendPasswordReset(app: TenantApp, record: RecordModel): Promise<void> {
  const email = record.getString('email');
  const token = newRecordToken(app, record, 'passwordReset', { extra: { email } });
  const msg = message(app, email, resolveTemplate(app, record, record.collection.auth!.resetPasswordTemplate, { '{TOKEN}': token }));
  return sendThroughHook(app, 'OnMailerRecordPasswordResetSend', record, msg, { token });
}

/** The email-change confirmation, sent to the new address. */
export function sendEmailChange(app: TenantApp, record: RecordModel, newEmail: string): Promise<void> {
  const token = newRecordToken(app, record, 'emailChange', { extra: { email: record.getString('email'), newEmail } });
  const msg = message(app, newEmail, resolveTemplate(app, record, record.collection.auth!.confirmEmailChangeTemplate, { '{TOKEN}': token }));
  return sendThroughHook(app, 'OnMailerRecordEmailChangeSend', record, msg, { token, newEmail });
}

/** The one-time password message. */
export function sendOTP(app: TenantApp, record: RecordModel, otpId: string, password: string): Promise<void> {
  const msg = message(app, record.getString('email'), resolveTemplate(app, record, record.collection.auth!.otp.emailTemplate, { '{OTP_ID}': otpId, '{OTP}': password }));
  return sendThroughHook(app, 'OnMailerRecordOTPSend', record, msg, { otpId, password });
}

/** The login-from-a-new-location alert. */
export function sendAuthAlert(app: TenantApp, record: RecordModel, info: string): Promise<void> {
  const safe = escapeHTML(info);
  const msg = message(app, record.getString('email'), resolveTemplate(app, record, record.collection.auth!.authAlert.emailTemplate, { '{ALERT_INFO}': safe }));
  return sendThroughHook(app, 'OnMailerRecordAuthAlertSend', record, msg, { info: safe });
}
