/**
 * OAuth2 sign-in, as PocketBase: `auth-methods` lists the enabled providers with a state,
 * PKCE values and the authorization URL (ending in an empty `redirect_uri=` for the client
 * to fill); `auth-with-oauth2 {provider, code, codeVerifier, redirectURL, createData}`
 * exchanges the code, looks the user up, and signs in the record linked to that provider
 * account, or links the record with the provider's verified email (or the caller's own), or
 * creates one (superusers never sign up this way); `_externalAuths` keeps the links.
 * `/api/oauth2-redirect` hands the provider's answer to the realtime client whose id is
 * the state (topic `@oauth2`), which is how the SDK's popup flow completes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TenantApp } from '../core/app.js';
import type { Collection } from '../core/collection_model.js';
import { SUPERUSERS_ID } from '../core/collection_model.js';
import { LogLevel } from '../core/logs.js';
import { buildAuthURL, fetchAuthUser, fetchToken, resolveProvider, s256Challenge, type AuthUser, type Provider, type ProviderConfig } from '../core/oauth2/client.js';
import { findAuthRecordByIdentity, findRecordById } from '../core/record_find.js';
import { RecordModel } from '../core/record_model.js';
import { applyInput, createRecord, deleteRecord, newRecord, updateRecord } from '../core/record_save.js';
import { quoteId } from '../core/store.js';
import { ApiError, badRequest, fieldError, forbidden, ValidationError } from '../tools/router/api_error.js';
import { randomString } from '../tools/security/random.js';
import type { Broker } from '../tools/subscriptions/broker.js';
import { asText, isPlainObject } from '../tools/types/objects.js';
import { checkAuthRule, respondWithAuth } from './auth_response.js';
import { readBody } from './body.js';
import { requestInfo } from './context.js';
import { dashboardBuilt } from './dashboard.js';
import { checkCollectionRateLimit } from './rate_limit.js';
import { createAction } from './record_actions.js';
import { authCollection } from './auth_collection.js';

type Params = { collection: string };
const OAUTH2_TOPIC = '@oauth2';

/** A provider's entry of auth-methods. */
export interface ProviderInfo {
  name: string;
  displayName: string;
  /** PocketBase ships provider logos; Burrow leaves the picture to the client. */
  logo: string;
  state: string;
  authURL: string;
  authUrl: string;
  codeVerifier: string;
  codeChallenge: string;
  codeChallengeMethod: string;
}

/** The providers of a collection with fresh state and PKCE values, as auth-methods lists them. */
export function providerInfos(c: Collection): ProviderInfo[] {
  const out: ProviderInfo[] = [];
  for (const raw of c.auth?.oauth2.providers ?? []) {
    const p = resolveProvider(raw as ProviderConfig);
    if (!p) continue;
    const info: ProviderInfo = { name: p.config.name, displayName: p.displayName, logo: '', state: randomString(30), authURL: '', authUrl: '', codeVerifier: '', codeChallenge: '', codeChallengeMethod: '' };
    const extra: Record<string, string> = {};
    if (p.pkce) {
      info.codeVerifier = randomString(43);
      info.codeChallenge = s256Challenge(info.codeVerifier);
      info.codeChallengeMethod = 'S256';
      extra.code_challenge = info.codeChallenge;
      extra.code_challenge_method = 'S256';
    }
    info.authURL = `${buildAuthURL(p, info.state, extra)}&redirect_uri=`;
    info.authUrl = info.authURL;
    out.push(info);
  }
  return out;
}

const externalAuths = (app: TenantApp) => app.collections.find('_externalAuths')!;

function findExternalAuth(app: TenantApp, where: Record<string, string>): RecordModel | undefined {
  const c = externalAuths(app);
  const keys = Object.keys(where);
  const row = app.store.data.get(`SELECT * FROM ${quoteId(c.name)} WHERE ${keys.map((k) => `${quoteId(k)} = ?`).join(' AND ')} LIMIT 1`, keys.map((k) => where[k]));
  return row ? RecordModel.fromRow(c, row) : undefined;
}

function saveValues(app: TenantApp, record: RecordModel, values: Record<string, unknown>): void {
  updateRecord(app, record, applyInput(record, values, { privileged: true, superuser: true }));
}

// Creates the record through the records API (its create rule and validation apply), as
// PocketBase's internal create request does.
function createFromOAuth2(app: TenantApp, request: FastifyRequest, c: Collection, user: AuthUser, createData: Record<string, unknown>): RecordModel {
  if (c.id === SUPERUSERS_ID) throw new Error('superusers are not allowed to sign-up with OAuth2');
  const mapped = c.auth!.oauth2.mappedFields;
  const payload: Record<string, unknown> = { ...createData };
  if (!asText(payload.email)) payload.email = user.email;
  if (mapped.id && !(mapped.id in payload)) payload[mapped.id] = user.id;
  if (mapped.name && !(mapped.name in payload)) payload[mapped.name] = user.name;
  if (mapped.username && !(mapped.username in payload) && user.username) {
    const taken = findAuthRecordByIdentity(app, c, mapped.username, user.username);
    if (!taken) payload[mapped.username] = user.username;
  }
  // A file avatar would have to be downloaded from the provider; only a URL-typed field is filled.
  const avatarField = mapped.avatarURL ? c.fields.find((f) => f.name === mapped.avatarURL) : undefined;
  if (avatarField && avatarField.type !== 'file' && !(mapped.avatarURL in payload) && user.avatarURL) payload[mapped.avatarURL] = user.avatarURL;
  // No password from the provider: a random one satisfies the field, the user signs in with OAuth2.
  if (!payload.password) {
    const p = randomString(30);
    payload.password = p;
    payload.passwordConfirm = p;
  }
  const info = requestInfo(request, payload, 'oauth2');
  const result = createAction(app, { collection: c.id, info, body: { data: payload, files: [] } });
  const created = findRecordById(app, c, (result.body as { id: string }).id);
  if (!created) throw new Error('failed to create OAuth2 auth record');
  if (created.getString('email') === user.email && user.email && !created.get('verified')) saveValues(app, created, { verified: true });
  return created;
}

// Links (and for unverified records, secures) an existing record, as PocketBase's oauth2Submit.
function linkExisting(app: TenantApp, request: FastifyRequest, record: RecordModel, user: AuthUser, link: RecordModel | undefined): RecordModel | undefined {
  const values: Record<string, unknown> = {};
  const signedInAsIt = request.auth?.id === record.id && request.auth.collection.id === record.collection.id;
  if (!signedInAsIt && !record.get('verified')) {
    const p = randomString(30);
    Object.assign(values, { password: p, passwordConfirm: p });
  }
  let keptLink = link;
  if (!record.get('verified')) {
    // An unverified record may have been created by someone else with this email: drop its links.
    const c = externalAuths(app);
    for (const row of app.store.data.all(`SELECT * FROM ${quoteId(c.name)} WHERE collectionRef = ? AND recordRef = ?`, [record.collection.id, record.id])) {
      deleteRecord(app, RecordModel.fromRow(c, row));
    }
    keptLink = undefined;
  }
  if (!record.getString('email') && user.email) values.email = user.email;
  if (!record.get('verified') && (!record.getString('email') || record.getString('email') === user.email)) values.verified = true;
  if (Object.keys(values).length) saveValues(app, record, values);
  return keptLink;
}

// Sends the provider's answer to the waiting realtime client; true when it carried a code.
function deliverRedirect(broker: Broker<RecordModel>, data: { state: string; code: string; error: string }): boolean {
  if (!data.state) return false;
  const client = broker.get(data.state);
  if (!client || client.isClosed || !client.subscriptions.has(OAUTH2_TOPIC)) return false;
  const payload: Record<string, string> = { state: data.state, code: data.code };
  if (data.error) payload.error = data.error;
  client.send({ name: OAUTH2_TOPIC, data: JSON.stringify(payload) });
  client.subscriptions.delete(OAUTH2_TOPIC);
  return !data.error && Boolean(data.code);
}

/** Binds auth-with-oauth2 and the OAuth2 redirect. */
export function bindRecordAuthOAuth2Api(app: TenantApp, server: FastifyInstance, broker: Broker<RecordModel>): void {
  server.post<{ Params: Params }>('/api/collections/:collection/auth-with-oauth2', async (request, reply) => {
    const c = authCollection(app, request.params.collection);
    checkCollectionRateLimit(app, request, c, 'authWithOAuth2', 'auth');
    if (!c.auth!.oauth2.enabled) throw forbidden('The collection is not configured to allow OAuth2 authentication.');
    const { data } = await readBody(request);
    const providerName = asText(data.provider);
    const code = asText(data.code);
    const redirectURL = asText(data.redirectURL) || asText(data.redirectUrl);
    const createData = isPlainObject(data.createData) ? data.createData : {};
    const config = (c.auth!.oauth2.providers as ProviderConfig[]).find((p) => p.name === providerName);
    const errors: Record<string, ReturnType<typeof fieldError>> = {};
    if (!providerName) errors.provider = fieldError('validation_required', 'Cannot be blank.');
    else if (!config) errors.provider = fieldError('validation_invalid_provider', `Provider with name ${providerName} is missing or is not enabled.`, { name: providerName });
    if (!code) errors.code = fieldError('validation_required', 'Cannot be blank.');
    if (Object.keys(errors).length) throw new ValidationError(errors, 'An error occurred while loading the submitted data.');
    const provider: Provider | undefined = resolveProvider(config!);
    if (!provider) throw new ApiError(500, 'Missing or invalid provider config.');

    let user: AuthUser;
    try {
      const token = await fetchToken(provider, code, redirectURL, asText(data.codeVerifier));
      try {
        user = await fetchAuthUser(provider, token);
      } catch (err) {
        throw badRequest('Failed to fetch OAuth2 user.', {}, err);
      }
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw badRequest('Failed to fetch OAuth2 token.', {}, err);
    }

    let link = findExternalAuth(app, { collectionRef: c.id, provider: providerName, providerId: user.id });
    let record: RecordModel | undefined;
    if (link) record = findRecordById(app, c, link.getString('recordRef'));
    else if (request.auth && request.auth.collection.id === c.id) record = request.auth;
    else if (user.email) record = findAuthRecordByIdentity(app, c, 'email', user.email);
    const isNew = !record;

    const event = { app, collection: c, providerName, oauth2User: user, createData, record, isNewRecord: isNew };
    app.hooks.trigger('OnRecordAuthWithOAuth2Request', event, (e) => {
      try {
        app.write(() => {
          let target = e.record as RecordModel | undefined;
          if (!target) target = createFromOAuth2(app, request, c, user, e.createData as Record<string, unknown>);
          else link = linkExisting(app, request, target, user, link);
          if (!link) {
            const ext = newRecord(externalAuths(app));
            createRecord(app, ext, applyInput(ext, { collectionRef: c.id, recordRef: target.id, provider: providerName, providerId: user.id }, { privileged: true, superuser: true }));
          }
          e.record = target;
        });
      } catch (err) {
        if (err instanceof ApiError && err.status !== 500) throw new ApiError(400, 'Failed to authenticate.', err.data, err);
        throw badRequest('Failed to authenticate.', {}, err);
      }
    });
    const signedIn = event.record as RecordModel;
    checkAuthRule(app, signedIn, request, 'oauth2');
    // avatarUrl: the name older SDKs read, filled as PocketBase does
    const meta = { ...user, avatarUrl: user.avatarURL, isNew };
    return respondWithAuth(app, request, reply, signedIn, 'oauth2', data, { meta });
  });

  const redirect = (request: FastifyRequest, reply: FastifyReply, fields: Record<string, unknown>) => {
    const data = { state: asText(fields.state), code: asText(fields.code), error: asText(fields.error) };
    const ok = deliverRedirect(broker, data);
    if (!ok) app.logs.add(LogLevel.debug, 'OAuth2 redirect without a waiting client, or with an error', { state: data.state, error: data.error });
    reply.header('cache-control', 'no-store');
    // As PocketBase: the popup ends on the dashboard's page (307 for a GET, 303 after a POST), or
    // on a line of text when no dashboard is built.
    if (dashboardBuilt()) {
      return reply.redirect(`../_/#/auth/oauth2-redirect-${ok ? 'success' : 'failure'}`, request.method === 'GET' ? 307 : 303);
    }
    reply.header('content-type', 'text/html; charset=utf-8');
    return reply.code(200).send(ok
      ? 'Auth completed. You can close this window and go back to the app.'
      : 'Failed to authenticate. You can close this window and go back to the app to try again.');
  };
  server.get<{ Querystring: Record<string, string> }>('/api/oauth2-redirect', (request, reply) => redirect(request, reply, request.query));
  server.post('/api/oauth2-redirect', async (request, reply) => redirect(request, reply, (await readBody(request)).data));
}
