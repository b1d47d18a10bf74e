/**
 * One-time passwords, as PocketBase: `request-otp {email}` answers `{otpId}` for any email
 * (a random id for unknown ones, so nothing can be probed) and mails the code in the
 * background; `auth-with-otp {otpId, password}` accepts a code once, within its duration,
 * at most 5 tries per record and client in 3 minutes. A code that reached the record's own
 * inbox also marks the record verified.
 */
import type { FastifyInstance } from 'fastify';
import type { TenantApp } from '../core/app.js';
import { createOTP, deleteSessionRecord, findOTP, hasExpired, otpMatches, otpsOf } from '../core/auth_sessions.js';
import { sendOTP } from '../core/mails.js';
import { findAuthRecordByIdentity, findRecordById } from '../core/record_find.js';
import type { RecordModel } from '../core/record_model.js';
import { applyInput, updateRecord } from '../core/record_save.js';
import { ApiError, badRequest, fieldError, forbidden, ValidationError, type ErrorData } from '../tools/router/api_error.js';
import { ALPHANUMERIC_LOWER, randomString } from '../tools/security/random.js';
import { checkAuthRule, respondWithAuth } from './auth_response.js';
import { readBody } from './body.js';
import { sendJSON } from './context.js';
import { checkCollectionRateLimit, withinFixedLimit } from './rate_limit.js';
import { authCollection } from './auth_collection.js';
import { emailError, inBackground } from './record_auth_email.js';
import { asText } from '../tools/types/objects.js';

type Params = { collection: string };

const INVALID_OTP = 'Invalid or expired OTP';
/** Unexpired codes a record may have before new requests reuse the newest. */
const MAX_RECENT_OTPS = 10;

/** Binds request-otp and auth-with-otp. */
export function bindRecordAuthOtpApi(app: TenantApp, server: FastifyInstance): void {
  const base = '/api/collections/:collection';

  server.post<{ Params: Params }>(`${base}/request-otp`, async (request, reply) => {
    const c = authCollection(app, request.params.collection);
    checkCollectionRateLimit(app, request, c, 'requestOTP');
    const otpOptions = c.auth!.otp;
    if (!otpOptions.enabled) throw forbidden('The collection is not configured to allow OTP authentication.');
    const { data } = await readBody(request);
    const email = asText(data.email);
    const err = emailError(email);
    if (err) throw new ValidationError({ email: err }, 'An error occurred while validating the submitted data.');
    const record = findAuthRecordByIdentity(app, c, 'email', email);
    const event = { app, collection: c, record, password: randomString(otpOptions.length, '0123456789') };
    let otpId = randomString(15, ALPHANUMERIC_LOWER);
    app.hooks.trigger('OnRecordRequestOTPRequest', event, (e) => {
      const owner = e.record as RecordModel | undefined;
      if (!owner) return;
      const recent = otpsOf(app, owner).filter((o) => !hasExpired(app, o, otpOptions.duration));
      if (recent.length >= MAX_RECENT_OTPS) {
        otpId = recent[0].id; // too many requests: the newest code stays the valid one, no new mail
        return;
      }
      const otp = app.write(() => createOTP(app, owner, e.password));
      otpId = otp.id;
      const to = owner.getString('email');
      inBackground(app, 'OTP', () => sendOTP(app, owner, otp.id, e.password).catch((sendErr: unknown) => {
        app.write(() => deleteSessionRecord(app, otp));
        throw sendErr;
      }), () => {
        // remember where the code went: using it proves that inbox
        const stored = findOTP(app, otp.id);
        if (stored && !stored.getString('sentTo')) {
          app.write(() => {
            const errors = applyInput(stored, { sentTo: to }, { privileged: true, superuser: true });
            updateRecord(app, stored, errors);
          });
        }
      });
    });
    return sendJSON(request, reply, 200, { otpId });
  });

  server.post<{ Params: Params }>(`${base}/auth-with-otp`, async (request, reply) => {
    const c = authCollection(app, request.params.collection);
    checkCollectionRateLimit(app, request, c, 'authWithOTP', 'auth');
    const otpOptions = c.auth!.otp;
    if (!otpOptions.enabled) throw forbidden('The collection is not configured to allow OTP authentication.');
    const { data } = await readBody(request);
    const otpId = asText(data.otpId);
    const password = asText(data.password);
    const errors: ErrorData = {};
    if (!otpId) errors.otpId = fieldError('validation_required', 'Cannot be blank.');
    else if (otpId.length > 255) errors.otpId = fieldError('validation_length_out_of_range', 'The length must be between 1 and 255.');
    if (!password) errors.password = fieldError('validation_required', 'Cannot be blank.');
    else if (password.length > 71) errors.password = fieldError('validation_length_out_of_range', 'The length must be between 1 and 71.');
    if (Object.keys(errors).length) throw new ValidationError(errors, 'An error occurred while validating the submitted data.');

    const otp = findOTP(app, otpId);
    if (!otp || otp.getString('collectionRef') !== c.id || hasExpired(app, otp, otpOptions.duration)) throw badRequest(INVALID_OTP);
    const record = findRecordById(app, c, otp.getString('recordRef'));
    if (!record) throw badRequest(INVALID_OTP);
    if (!withinFixedLimit(app, request, `@pb_otp_${record.id}`, { label: '', audience: '', maxRequests: 5, duration: 180 })) {
      throw new ApiError(429, 'Too many attempts, please try again later with a new OTP.');
    }
    if (!otpMatches(otp, password)) throw badRequest(INVALID_OTP);
    let owner = record;
    app.hooks.trigger('OnRecordAuthWithOTPRequest', { app, collection: c, record, otp }, (e) => {
      owner = e.record as RecordModel;
      const sentTo = otp.getString('sentTo');
      app.write(() => {
        deleteSessionRecord(app, otp);
        if (!owner.get('verified') && sentTo && owner.getString('email') === sentTo) {
          const values: Record<string, unknown> = { verified: true };
          if (!c.auth!.mfa.enabled) {
            // Whoever set the password before the address was proven should not keep it.
            const p = randomString(30);
            Object.assign(values, { password: p, passwordConfirm: p });
          }
          updateRecord(app, owner, applyInput(owner, values, { privileged: true, superuser: true }));
        }
      });
    });
    checkAuthRule(app, owner, request, 'otp');
    return respondWithAuth(app, request, reply, owner, 'otp', data);
  });
}
