/**
 * The end of every successful authentication, as PocketBase's recordAuthResponse: the
 * superuser IP allow-list, MFA (a first factor answers 401 `{mfaId}`; the second factor,
 * by another method and carrying `mfaId`, completes it), the login alert for a new device,
 * then `{token, record, meta?}` after the OnRecordAuthRequest hooks.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TenantApp } from '../core/app.js';
import { createMFA, deleteSessionRecord, findMFA, hasExpired, originFingerprint, rememberOrigin } from '../core/auth_sessions.js';
import { LogLevel } from '../core/logs.js';
import { sendAuthAlert } from '../core/mails.js';
import { ipInList } from '../core/rate_limits.js';
import type { RecordModel } from '../core/record_model.js';
import { recordMatchesRule } from '../core/record_rules.js';
import { SUPERUSERS_ID } from '../core/collection_model.js';
import { newRecordToken } from '../core/tokens.js';
import { badRequest, forbidden } from '../tools/router/api_error.js';
import { formatDate } from '../tools/types/datetime.js';
import type { RequestContext } from '../core/request_info.js';
import { requestInfo, sendJSON } from './context.js';
import { clientIP } from './real_ip.js';
import { presentRecords } from './record_actions.js';

/** Throws 403 unless the collection's auth rule (null = nobody, "" = everyone) lets `record` authenticate. */
export function checkAuthRule(app: TenantApp, record: RecordModel, request: FastifyRequest, context: RequestContext = 'default'): void {
  const rule = record.collection.auth?.authRule;
  if (rule === null || rule === undefined) throw forbidden('The authentication of records from this collection is disabled.');
  if (rule === '') return;
  const info = requestInfo(request, {}, context, record);
  if (!recordMatchesRule(app, record.collection, record.id, rule, info)) {
    throw forbidden("The request doesn't satisfy the collection requirements to authenticate.");
  }
}

/** The `{token, record}` body of every auth route, after OnRecordAuthRequest hooks ran. */
export function authResponse(app: TenantApp, request: FastifyRequest, record: RecordModel, token: string, meta?: Record<string, unknown>): Record<string, unknown> {
  const info = requestInfo(request, {}, 'default', record);
  let body: Record<string, unknown> = {};
  app.hooks.trigger('OnRecordAuthRequest', { app, record, token, meta, requestInfo: info }, (e) => {
    presentRecords(app, [e.record], info);
    body = { record: e.record.toJSON(), token: e.token };
    if (e.meta) body.meta = e.meta;
  });
  return body;
}

/** How the record proved who it is ("" = a refresh or an impersonation: no MFA, no alert). */
export type AuthMethod = '' | 'password' | 'otp' | 'oauth2';

/** How long a login alert may take before the login goes on without it. */
const ALERT_WAIT_MS = 15_000;

function mfaIdOf(request: FastifyRequest, body: Record<string, unknown>): string {
  const q = (request.query as Record<string, unknown> | undefined)?.mfaId;
  if (typeof q === 'string' && q) return q;
  return typeof body.mfaId === 'string' ? body.mfaId : '';
}

// Returns an MFA id when a second factor is still needed; throws on a bad MFA session.
function checkMFA(app: TenantApp, request: FastifyRequest, record: RecordModel, method: AuthMethod, body: Record<string, unknown>): string {
  const mfa = record.collection.auth?.mfa;
  if (!mfa?.enabled || method === '') return '';
  if (mfa.rule) {
    try {
      if (!recordMatchesRule(app, record.collection, record.id, mfa.rule, requestInfo(request, body, 'default', record))) return '';
    } catch (err) {
      throw badRequest('Failed to authenticate.', {}, err);
    }
  }
  const mfaId = mfaIdOf(request, body);
  if (!mfaId) return app.write(() => createMFA(app, record, method).id);
  const session = findMFA(app, mfaId);
  if (!session || hasExpired(app, session, mfa.duration)) {
    if (session) app.write(() => deleteSessionRecord(app, session));
    throw badRequest('Invalid or expired MFA session.');
  }
  if (session.getString('recordRef') !== record.id || session.getString('collectionRef') !== record.collection.id) {
    throw badRequest('Invalid MFA session.');
  }
  if (session.getString('method') === method) throw badRequest('A different authentication method is required.');
  app.write(() => deleteSessionRecord(app, session));
  return '';
}

async function loginAlert(app: TenantApp, request: FastifyRequest, record: RecordModel): Promise<void> {
  const ip = clientIP(app, request);
  let userAgent = String(request.headers['user-agent'] ?? '');
  if (userAgent.length > 200) userAgent = `${userAgent.slice(0, 200)}...`;
  const origin = rememberOrigin(app, record, originFingerprint(ip, userAgent));
  if (origin.isNewDevice && record.getString('email')) {
    const info = `${formatDate(app.now())} - ${ip} ${userAgent}`;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('auth alert mail send wait timeout reached')), ALERT_WAIT_MS);
    });
    try {
      await Promise.race([sendAuthAlert(app, record, info), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
  origin.save();
}

/** Answers an authentication: 401 `{mfaId}` when a second factor is due, else the token and record. */
export async function respondWithAuth(
  app: TenantApp,
  request: FastifyRequest,
  reply: FastifyReply,
  record: RecordModel,
  method: AuthMethod,
  body: Record<string, unknown> = {},
  opts: { token?: string; meta?: Record<string, unknown> } = {},
): Promise<FastifyReply> {
  if (record.collection.id === SUPERUSERS_ID) {
    const allowed = app.settings.get().superuserIPs;
    if (allowed.length > 0 && !ipInList(allowed, clientIP(app, request))) throw forbidden();
  }
  const mfaId = checkMFA(app, request, record, method, body);
  if (mfaId) return reply.code(401).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify({ mfaId }));
  if (method && record.collection.auth?.authAlert.enabled) {
    try {
      await loginAlert(app, request, record);
    } catch (err) {
      app.logs.add(LogLevel.warn, '[recordAuthResponse] Failed to send login alert', { error: err instanceof Error ? err.message : String(err) });
    }
  }
  const token = opts.token ?? newRecordToken(app, record, 'auth');
  return sendJSON(request, reply, 200, authResponse(app, request, record, token, opts.meta));
}
