/**
 * Routes only the Burrow control plane may call, authenticated by an HMAC of the raw body with
 * the platform key (no token): POST /api/_burrow/superuser-token for one-click dashboard login.
 * Not bound at all when the tenant runs without a platform key.
 */
import type { FastifyInstance } from 'fastify';
import type { TenantApp } from '../core/app.js';
import { SUPERUSERS_ID } from '../core/collection_model.js';
import { findAuthRecordByIdentity } from '../core/record_find.js';
import { newRecordToken } from '../core/tokens.js';
import { badRequest, fieldError, notFound, unauthorized, ValidationError } from '../tools/router/api_error.js';
import { verifyPlatformSignature } from '@burrow/contracts';
import { isPlainObject } from '../tools/types/objects.js';
import { authResponse, checkAuthRule } from './auth_response.js';
import { sendJSON } from './context.js';

/** Path of the signed superuser login route. */
export const SUPERUSER_TOKEN_PATH = '/api/_burrow/superuser-token';

// The body is only `{"email": ...}`; anything larger is not the control plane.
const PLATFORM_BODY_LIMIT = 16 * 1024;

/** Binds the platform-signed routes (call only when a platform key is configured). */
export async function bindPlatformApi(app: TenantApp, server: FastifyInstance, platformKey: string): Promise<void> {
  if (!platformKey) throw new Error('bindPlatformApi: the platform key is empty');
  // An encapsulated scope: the MAC covers the exact bytes sent, so this route reads the raw
  // body instead of the server-wide JSON/multipart parsers.
  await server.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: PLATFORM_BODY_LIMIT }, (_req, body, done) => done(null, body));

    scope.post(SUPERUSER_TOKEN_PATH, async (request, reply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const header = request.headers['x-burrow-signature'];
      const nowSec = app.now().getTime() / 1000;
      // Checked before the body is even parsed: unsigned callers learn nothing.
      if (!verifyPlatformSignature(platformKey, typeof header === 'string' ? header : undefined, raw, nowSec)) {
        throw unauthorized('Missing or invalid platform signature.');
      }
      const email = parseEmail(raw);
      const c = app.collections.findById(SUPERUSERS_ID);
      const record = c && findAuthRecordByIdentity(app, c, 'email', email);
      if (!record) throw notFound('Missing superuser with the provided email.');
      checkAuthRule(app, record, request);
      const token = newRecordToken(app, record, 'auth');
      return sendJSON(request, reply, 200, authResponse(app, request, record, token));
    });
  });
}

function parseEmail(raw: string): string {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (err) {
    throw badRequest('Failed to load the submitted data due to invalid formatting.', {}, err);
  }
  if (!isPlainObject(data)) throw badRequest('Failed to load the submitted data due to invalid formatting.');
  if (typeof data.email !== 'string' || data.email.trim() === '') {
    throw new ValidationError({ email: fieldError('validation_required', 'Cannot be blank.') });
  }
  return data.email;
}
