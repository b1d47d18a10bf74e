/** Auth routes of auth collections: auth-methods, auth-with-password, auth-refresh, impersonate. */
import type { FastifyInstance } from 'fastify';
import type { TenantApp } from '../core/app.js';
import { findAuthRecordByIdentity, findRecordById } from '../core/record_find.js';
import type { RecordModel } from '../core/record_model.js';
import { isSuperuserAuth } from '../core/request_info.js';
import { newRecordToken } from '../core/tokens.js';
import { passwordHash, verifyPassword, verifyPasswordAsync } from '../core/record_values.js';
import { badRequest, fieldError, forbidden, notFound, unauthorized, ValidationError } from '../tools/router/api_error.js';
import type { ErrorData } from '../tools/router/api_error.js';
import { readBody } from './body.js';
import { sendJSON, tokenFromRequest } from './context.js';
import { decodeJwtUnverified } from '../tools/security/jwt.js';
import { checkAuthRule, respondWithAuth } from './auth_response.js';
import { authCollection } from './auth_collection.js';
import { checkCollectionRateLimit } from './rate_limit.js';
import { providerInfos } from './record_auth_oauth2.js';

type Params = { collection: string; id?: string };


/** Binds the auth routes. */
export function bindRecordAuthApi(app: TenantApp, server: FastifyInstance): void {
  const base = '/api/collections/:collection';

  server.get<{ Params: Params }>(`${base}/auth-methods`, async (request, reply) => {
    const c = authCollection(app, request.params.collection);
    checkCollectionRateLimit(app, request, c, 'listAuthMethods');
    const a = c.auth!;
    const providers = a.oauth2.enabled ? providerInfos(c) : [];
    return sendJSON(request, reply, 200, {
      password: { identityFields: a.passwordAuth.identityFields, enabled: a.passwordAuth.enabled },
      oauth2: { providers, enabled: a.oauth2.enabled },
      mfa: { enabled: a.mfa.enabled, duration: a.mfa.enabled ? a.mfa.duration : 0 },
      otp: { enabled: a.otp.enabled, duration: a.otp.enabled ? a.otp.duration : 0 },
      // legacy keys kept by PocketBase for older SDKs
      authProviders: a.oauth2.enabled ? providers : null,
      usernamePassword: a.passwordAuth.enabled && a.passwordAuth.identityFields.includes('username'),
      emailPassword: a.passwordAuth.enabled && a.passwordAuth.identityFields.includes('email'),
    });
  });

  server.post<{ Params: Params }>(`${base}/auth-with-password`, async (request, reply) => {
    const c = authCollection(app, request.params.collection);
    checkCollectionRateLimit(app, request, c, 'authWithPassword', 'auth');
    const a = c.auth!;
    if (!a.passwordAuth.enabled) throw forbidden('The collection is not configured to allow password authentication.');
    const { data } = await readBody(request);
    const errors: ErrorData = {};
    const identity = typeof data.identity === 'string' ? data.identity : data.identity == null ? '' : String(data.identity);
    const password = typeof data.password === 'string' ? data.password : data.password == null ? '' : String(data.password);
    const identityField = typeof data.identityField === 'string' ? data.identityField : '';
    if (!identity) errors.identity = fieldError('validation_required', 'Cannot be blank.');
    else if (identity.length > 255) errors.identity = fieldError('validation_length_too_long', 'The length must be no more than 255.');
    if (!password) errors.password = fieldError('validation_required', 'Cannot be blank.');
    else if (password.length > 255) errors.password = fieldError('validation_length_too_long', 'The length must be no more than 255.');
    if (identityField && !a.passwordAuth.identityFields.includes(identityField)) {
      errors.identityField = fieldError('validation_in_invalid', 'Must be a valid value.');
    }
    if (Object.keys(errors).length) throw new ValidationError(errors, 'An error occurred while validating the submitted data.');
    const fields = identityField ? [identityField] : a.passwordAuth.identityFields;
    let record: RecordModel | undefined;
    for (const f of fields) {
      record = findAuthRecordByIdentity(app, c, f, identity);
      if (record) break;
    }
    // bcrypt runs off the event loop, and against a dummy hash for unknown identities (no timing oracle).
    const matched = record;
    const verified = await verifyPasswordAsync(passwordHash(record?.get('password')), password);
    let ok = false;
    app.hooks.trigger('OnRecordAuthWithPasswordRequest', { app, collection: c, record, identity, identityField, password }, (e) => {
      // A hook may swap the record or password: only then verify again.
      const same = e.record === matched && e.password === password;
      ok = Boolean(e.record) && (same ? verified : verifyPassword(passwordHash(e.record!.get('password')), e.password));
      record = e.record;
    });
    if (!ok || !record) throw badRequest('Failed to authenticate.');
    checkAuthRule(app, record, request, 'password');
    return respondWithAuth(app, request, reply, record, 'password', data);
  });

  server.post<{ Params: Params }>(`${base}/auth-refresh`, async (request, reply) => {
    const c = authCollection(app, request.params.collection);
    checkCollectionRateLimit(app, request, c, 'authRefresh');
    const auth = request.auth;
    if (!auth) throw unauthorized('The request requires valid record authorization token.');
    if (auth.collection.id !== c.id) throw forbidden(`The request requires auth record from ${auth.collection.name} collection.`);
    // A non-refreshable token (impersonation) is answered with itself, as PocketBase does.
    const current = tokenFromRequest(request);
    const refreshable = decodeJwtUnverified(current)?.refreshable !== false;
    checkAuthRule(app, auth, request);
    let token = current;
    app.hooks.trigger('OnRecordAuthRefreshRequest', { app, collection: c, record: auth }, (e) => {
      if (refreshable) token = newRecordToken(app, e.record as RecordModel, 'auth');
    });
    return respondWithAuth(app, request, reply, auth, '', {}, { token });
  });

  server.post<{ Params: Params }>(`${base}/impersonate/:id`, async (request, reply) => {
    if (!isSuperuserAuth(request)) {
      if (!request.auth) throw unauthorized('The request requires valid superuser authorization token.');
      throw forbidden('The authorized record is not allowed to perform this action.');
    }
    const c = authCollection(app, request.params.collection);
    const { data } = await readBody(request);
    const duration = data.duration === undefined || data.duration === '' ? 0 : Number(data.duration);
    if (!Number.isFinite(duration) || duration < 0) {
      throw new ValidationError({ duration: fieldError('validation_min_greater_equal_than_required', 'Must be no less than 0.') });
    }
    const record = findRecordById(app, c, request.params.id ?? '');
    if (!record) throw notFound();
    let token = '';
    app.hooks.trigger('OnRecordImpersonateRequest', { app, collection: c, record, duration }, () => {
      token = newRecordToken(app, record, 'auth', { duration: Math.floor(duration), refreshable: false });
    });
    return respondWithAuth(app, request, reply, record, '', {}, { token });
  });
}
