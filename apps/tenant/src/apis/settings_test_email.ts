/**
 * POST /api/settings/test/email {email, template, collection?} (superusers): sends one of the
 * auth templates (verification, password-reset, email-change, otp, login-alert) of an auth
 * collection (default `_superusers`) to an address, filled with a stand-in record, so the
 * SMTP settings and the templates can be checked. A delivery failure answers 400 with the
 * reason in the server log.
 */
import type { FastifyInstance } from 'fastify';
import type { TenantApp } from '../core/app.js';
import { SUPERUSERS_ID } from '../core/collection_model.js';
import { sendAuthAlert, sendEmailChange, sendOTP, sendPasswordReset, sendVerification } from '../core/mails.js';
import { newRecord } from '../core/record_save.js';
import { badRequest, fieldError, ValidationError, type ErrorData } from '../tools/router/api_error.js';
import { randomString } from '../tools/security/random.js';
import { formatDate } from '../tools/types/datetime.js';
import { readBody } from './body.js';
import { requireSuperuser } from './context.js';
import { emailError } from './record_auth_email.js';
import { asText } from '../tools/types/objects.js';

const TEMPLATES = ['verification', 'password-reset', 'email-change', 'otp', 'login-alert'] as const;
type Template = (typeof TEMPLATES)[number];


/** Binds the test email route. */
export function bindSettingsTestEmailApi(app: TenantApp, server: FastifyInstance): void {
  server.post('/api/settings/test/email', async (request, reply) => {
    requireSuperuser(request);
    const { data } = await readBody(request);
    const email = asText(data.email);
    const template = asText(data.template);
    const collectionName = asText(data.collection);
    const errors: ErrorData = {};
    const c = app.collections.find(collectionName || SUPERUSERS_ID);
    if (collectionName && (!c || c.type !== 'auth')) errors.collection = fieldError('validation_invalid_auth_collection', 'Must be a valid auth collection id or name.');
    const emailErr = emailError(email);
    if (emailErr) errors.email = emailErr;
    if (!template) errors.template = fieldError('validation_required', 'Cannot be blank.');
    else if (!(TEMPLATES as readonly string[]).includes(template)) errors.template = fieldError('validation_in_invalid', 'Must be a valid value.');
    if (Object.keys(errors).length || !c) throw new ValidationError(errors, 'An error occurred while validating the submitted data.');

    const record = newRecord(c);
    for (const f of c.fields) if (!f.hidden) record.set(f.name, `__pb_test_${f.name}__`);
    record.set('tokenKey', randomString(50));
    record.set('email', email);
    const sends: Record<Template, () => Promise<void>> = {
      verification: () => sendVerification(app, record),
      'password-reset': () => sendPasswordReset(app, record),
      'email-change': () => sendEmailChange(app, record, email),
      otp: () => sendOTP(app, record, '_PB_TEST_OTP_ID_', '123456'),
      'login-alert': () => sendAuthAlert(app, record, `${formatDate(app.now())} - TEST_IP TEST_USER_AGENT`),
    };
    try {
      await sends[template as Template]();
    } catch (err) {
      throw badRequest('Failed to send the test email.', {}, err);
    }
    return reply.code(204).send();
  });
}
