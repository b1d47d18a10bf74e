/**
 * The email flows of auth collections, as PocketBase: request/confirm verification,
 * request/confirm password reset, request/confirm email change. Requests answer 204 whether
 * or not the email exists (no account probing); verification and reset mails go out in the
 * background and a second request within 2 minutes sends nothing; confirmations check the
 * token's type, collection and email claims, and a used token dies with the change it made
 * (the new password or email rotates the record's token key).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TenantApp } from '../core/app.js';
import type { Collection } from '../core/collection_model.js';
import { SUPERUSERS_ID } from '../core/collection_model.js';
import { isEmailFormat } from '../core/fields/validators.js';
import { LogLevel } from '../core/logs.js';
import { sendEmailChange, sendPasswordReset, sendVerification } from '../core/mails.js';
import { findAuthRecordByIdentity } from '../core/record_find.js';
import type { RecordModel } from '../core/record_model.js';
import { applyInput, updateRecord } from '../core/record_save.js';
import { passwordHash, verifyPassword } from '../core/record_values.js';
import { findRecordByToken, type TokenType } from '../core/tokens.js';
import { ApiError, badRequest, fieldError, forbidden, unauthorized, ValidationError, type ErrorData } from '../tools/router/api_error.js';
import { decodeJwtUnverified } from '../tools/security/jwt.js';
import { randomString } from '../tools/security/random.js';
import { readBody } from './body.js';
import { checkCollectionRateLimit } from './rate_limit.js';
import { authCollection } from './auth_collection.js';
import { asText } from '../tools/types/objects.js';

type Params = { collection: string };

const INVALID_DATA = 'An error occurred while validating the submitted data.';
/** How long a second verification/reset request sends nothing. */
const RESEND_BLOCK_MS = 2 * 60_000;


/** Required, 1..255 characters, an email address. */
export function emailError(value: string): ReturnType<typeof fieldError> | undefined {
  if (!value) return fieldError('validation_required', 'Cannot be blank.');
  if (value.length > 255) return fieldError('validation_length_out_of_range', 'The length must be between 1 and 255.');
  if (!isEmailFormat(value)) return fieldError('validation_is_email', 'Must be a valid email address.');
  return undefined;
}

function throwIf(errors: ErrorData): void {
  if (Object.keys(errors).length) throw new ValidationError(errors, INVALID_DATA);
}

// Per app: keys of mails sent in the last RESEND_BLOCK_MS, with when the block ends.
const resendBlocks = new WeakMap<TenantApp, Map<string, number>>();

function blocksOf(app: TenantApp): Map<string, number> {
  let m = resendBlocks.get(app);
  if (!m) {
    m = new Map();
    resendBlocks.set(app, m);
  }
  return m;
}

/** Whether a mail for `key` went out less than RESEND_BLOCK_MS ago. */
function blocked(app: TenantApp, key: string): boolean {
  const m = blocksOf(app);
  const now = app.now().getTime();
  for (const [k, until] of m) if (until <= now) m.delete(k);
  return m.has(key);
}

function block(app: TenantApp, key: string): void {
  blocksOf(app).set(key, app.now().getTime() + RESEND_BLOCK_MS);
}

function unblock(app: TenantApp, key: string): void {
  blocksOf(app).delete(key);
}

/** Runs a mail send in the background; a failure is logged, never shown to the requester. */
export function inBackground(app: TenantApp, what: string, send: () => Promise<void>, onSent?: () => void): void {
  const log = (stage: string, err: unknown) => {
    try {
      app.logs.add(LogLevel.error, `Failed to ${stage} ${what} email`, { error: err instanceof Error ? err.message : String(err) });
    } catch {
      // the app closed meanwhile (shutdown): nothing left to record it in
    }
  };
  // Nothing here may reject unhandled: a background failure must never end the process.
  send().then(() => {
    try {
      onSent?.();
    } catch (err) {
      log('record the sent', err);
    }
  }, (err: unknown) => log('send', err)).catch(() => undefined);
}

function noContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).send();
}

/** A token of `type` for a record of `c`, checked as PocketBase's confirm forms do. */
function tokenRecord(app: TenantApp, c: Collection, token: string, type: TokenType): { record?: RecordModel; error?: ReturnType<typeof fieldError> } {
  if (!token) return { error: fieldError('validation_required', 'Cannot be blank.') };
  const found = findRecordByToken(app, token, type);
  if (!found) return { error: fieldError('validation_invalid_token', 'Invalid or expired token.') };
  if (found.record.collection.id !== c.id) return { error: fieldError('validation_token_collection_mismatch', 'The provided token is for different auth collection.') };
  return { record: found.record };
}

function save(app: TenantApp, record: RecordModel, values: Record<string, unknown>, failure: string): void {
  app.write(() => {
    const errors = applyInput(record, values, { privileged: true, superuser: true });
    try {
      updateRecord(app, record, errors);
    } catch (err) {
      if (err instanceof ApiError) throw new ApiError(err.status, failure, err.data, err);
      throw err;
    }
  });
}

const randomPassword = () => {
  const p = randomString(30);
  return { password: p, passwordConfirm: p };
};

const verificationKey = (r: RecordModel) => `verification:${r.collection.id}${r.id}`;
const resetKey = (r: RecordModel) => `reset:${r.collection.id}${r.id}`;

/** Binds the email flow routes. */
export function bindRecordAuthEmailApi(app: TenantApp, server: FastifyInstance): void {
  const base = '/api/collections/:collection';
  const route = (path: string, tag: string, handler: (c: Collection, data: Record<string, unknown>, request: FastifyRequest, reply: FastifyReply) => FastifyReply | Promise<FastifyReply>) => {
    server.post<{ Params: Params }>(`${base}/${path}`, async (request, reply) => {
      const c = authCollection(app, request.params.collection);
      checkCollectionRateLimit(app, request, c, tag);
      const { data } = await readBody(request);
      return handler(c, data, request, reply);
    });
  };

  route('request-verification', 'requestVerification', (c, data, _request, reply) => {
    if (c.id === SUPERUSERS_ID) throw badRequest('All superusers are verified by default.');
    const email = asText(data.email);
    const err = emailError(email);
    if (err) throwIf({ email: err });
    const record = findAuthRecordByIdentity(app, c, 'email', email);
    if (!record || (!record.get('verified') && blocked(app, verificationKey(record)))) return noContent(reply);
    app.hooks.trigger('OnRecordRequestVerificationRequest', { app, collection: c, record }, (e) => {
      if (e.record.get('verified')) return;
      block(app, verificationKey(e.record));
      inBackground(app, 'verification', () => sendVerification(app, e.record));
    });
    return noContent(reply);
  });

  route('confirm-verification', 'confirmVerification', (c, data, _request, reply) => {
    if (c.id === SUPERUSERS_ID) throw badRequest('All superusers are verified by default.');
    const token = asText(data.token);
    const claims = token ? decodeJwtUnverified(token) : undefined;
    let { record, error } = tokenRecord(app, c, token, 'verification');
    if (token && !asText(claims?.email)) error = fieldError('validation_invalid_token_claims', 'Missing email token claim.');
    else if (record && record.getString('email') !== asText(claims?.email)) error = fieldError('validation_token_email_mismatch', "The record email doesn't match with the requested token claims.");
    if (error || !record) throwIf({ token: error ?? fieldError('validation_invalid_token', 'Invalid or expired token.') });
    const target = record!;
    app.hooks.trigger('OnRecordConfirmVerificationRequest', { app, collection: c, record: target }, (e) => {
      if (!e.record.get('verified')) {
        save(app, e.record, { verified: true, ...(c.auth!.passwordAuth.enabled ? {} : randomPassword()) }, 'An error occurred while saving the verified state.');
      }
      unblock(app, verificationKey(e.record));
    });
    return noContent(reply);
  });

  route('request-password-reset', 'requestPasswordReset', (c, data, _request, reply) => {
    if (!c.auth!.passwordAuth.enabled) throw badRequest('The collection is not configured to allow password authentication.');
    const email = asText(data.email);
    const err = emailError(email);
    if (err) throwIf({ email: err });
    const record = findAuthRecordByIdentity(app, c, 'email', email);
    if (!record || blocked(app, resetKey(record))) return noContent(reply);
    app.hooks.trigger('OnRecordRequestPasswordResetRequest', { app, collection: c, record }, (e) => {
      const sent = e.record;
      inBackground(app, 'password reset', () => sendPasswordReset(app, sent), () => block(app, resetKey(sent)));
    });
    return noContent(reply);
  });

  route('confirm-password-reset', 'confirmPasswordReset', (c, data, _request, reply) => {
    const token = asText(data.token);
    const password = asText(data.password);
    const confirm = asText(data.passwordConfirm);
    const passwordField = c.fields.find((f) => f.name === 'password');
    const min = passwordField?.type === 'password' && passwordField.min > 0 ? passwordField.min : 1;
    const errors: ErrorData = {};
    const { record, error } = tokenRecord(app, c, token, 'passwordReset');
    if (error) errors.token = error;
    if (!password) errors.password = fieldError('validation_required', 'Cannot be blank.');
    else if (password.length < min || password.length > 255) errors.password = fieldError('validation_length_out_of_range', `The length must be between ${min} and 255.`);
    if (!confirm) errors.passwordConfirm = fieldError('validation_required', 'Cannot be blank.');
    else if (confirm !== password) errors.passwordConfirm = fieldError('validation_values_mismatch', "Values don't match.");
    throwIf(errors);
    const target = record!;
    app.hooks.trigger('OnRecordConfirmPasswordResetRequest', { app, collection: c, record: target }, (e) => {
      const values: Record<string, unknown> = { password, passwordConfirm: password };
      // The reset link reached the inbox, so the address is proven.
      if (!e.record.get('verified') && e.record.getString('email') === asText(decodeJwtUnverified(token)?.email)) values.verified = true;
      save(app, e.record, values, 'Failed to set new password.');
      unblock(app, resetKey(e.record));
    });
    return noContent(reply);
  });

  route('request-email-change', 'requestEmailChange', async (c, data, request, reply) => {
    if (c.id === SUPERUSERS_ID) throw badRequest('All superusers can change their emails directly.');
    const record = request.auth;
    if (!record) throw unauthorized('The request requires valid auth record.');
    if (record.collection.id !== c.id) throw forbidden(`The request requires valid ${c.name} auth record.`);
    const newEmail = asText(data.newEmail);
    let err = emailError(newEmail);
    if (!err && newEmail === record.getString('email')) err = fieldError('validation_not_in_invalid', 'Must be a valid value.');
    if (!err) {
      const taken = findAuthRecordByIdentity(app, c, 'email', newEmail);
      if (taken && taken.id !== record.id) err = fieldError('validation_invalid_new_email', 'Invalid new email address.');
    }
    if (err) throwIf({ newEmail: err });
    let target = newEmail;
    let proceed = false;
    app.hooks.trigger('OnRecordRequestEmailChangeRequest', { app, collection: c, record, newEmail }, (e) => {
      target = (e as { newEmail: string }).newEmail;
      proceed = true;
    });
    if (proceed) {
      try {
        await sendEmailChange(app, record, target);
      } catch (cause) {
        throw badRequest('Failed to request email change.', {}, cause);
      }
    }
    return noContent(reply);
  });

  route('confirm-email-change', 'confirmEmailChange', (c, data, _request, reply) => {
    if (c.id === SUPERUSERS_ID) throw badRequest('All superusers can change their emails directly.');
    const token = asText(data.token);
    const password = asText(data.password);
    const errors: ErrorData = {};
    const newEmail = asText(decodeJwtUnverified(token)?.newEmail);
    let record: RecordModel | undefined;
    if (!token) errors.token = fieldError('validation_required', 'Cannot be blank.');
    else if (!newEmail) errors.token = fieldError('validation_invalid_token_payload', 'Invalid token payload - newEmail must be set.');
    else {
      const checked = tokenRecord(app, c, token, 'emailChange');
      if (checked.error) errors.token = checked.error;
      else if (findAuthRecordByIdentity(app, c, 'email', newEmail)) errors.token = fieldError('validation_invalid_token_email', 'The new email address is invalid.');
      else record = checked.record;
    }
    if (!password) errors.password = fieldError('validation_required', 'Cannot be blank.');
    else if (password.length > 100) errors.password = fieldError('validation_length_out_of_range', 'The length must be between 1 and 100.');
    else if (!record || !verifyPassword(passwordHash(record.get('password')), password)) {
      errors.password = fieldError('validation_invalid_password', 'Missing or invalid auth record password.');
    }
    throwIf(errors);
    const target = record!;
    app.hooks.trigger('OnRecordConfirmEmailChangeRequest', { app, collection: c, record: target, newEmail }, (e) => {
      save(app, e.record, { email: (e as { newEmail: string }).newEmail, verified: true }, 'Failed to confirm email change.');
    });
    return noContent(reply);
  });
}
