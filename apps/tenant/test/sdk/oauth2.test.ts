/**
 * OAuth2 end to end: the SDK's `authWithOAuth2` popup flow (realtime `@oauth2` topic, the
 * provider redirecting to /api/oauth2-redirect) against a provider the test runs on
 * loopback; sign-up with createData and mapped fields, sign-in of the linked record, linking
 * by verified email, the id_token path with a JWKS signature check, and the refusals.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EventSource } from 'eventsource';
import type PocketBase from 'pocketbase';
import { startIdp, type IdpHandle } from '../support/oauth2_provider.js';
import { DEFAULT_SUPERUSER, startTenant, type ServerHandle } from '../support/processes.js';
import { rejectsWith, sdkClient } from '../support/sdk.js';

// The SDK's realtime client (used by the popup flow) needs a global EventSource, which Node 20 lacks.
(globalThis as { EventSource?: unknown }).EventSource = EventSource;

let server: ServerHandle;
let idp: IdpHandle;
let su: PocketBase;
const client = (): PocketBase => sdkClient(server.url);

/** Plays the browser popup: follows the provider's redirect back to the tenant. */
async function popup(url: string): Promise<void> {
  const res = await fetch(url, { redirect: 'follow' });
  await res.text();
}

describe('OAuth2 through the SDK against a loopback provider', { timeout: 120_000 }, () => {
  before(async () => {
    idp = await startIdp({ sub: 'idp-user-1', name: 'Ada Lovelace', email: 'ada@example.com', email_verified: true, preferred_username: 'ada' });
    server = await startTenant();
    su = client();
    await su.collection('_superusers').authWithPassword(DEFAULT_SUPERUSER.email, DEFAULT_SUPERUSER.password);
    await su.collections.update('users', {
      fields: [...(await su.collections.getOne('users')).fields, { name: 'nickname', type: 'text' }],
      oauth2: {
        enabled: true,
        mappedFields: { name: 'name' },
        providers: [
          { name: 'oidc', clientId: idp.clientId, clientSecret: idp.clientSecret, authURL: `${idp.url}/authorize`, tokenURL: `${idp.url}/token`, userInfoURL: `${idp.url}/userinfo`, displayName: 'Test IdP' },
          { name: 'oidc2', clientId: idp.clientId, clientSecret: idp.clientSecret, authURL: `${idp.url}/authorize`, tokenURL: `${idp.url}/token`, extra: { jwksURL: `${idp.url}/jwks`, issuers: [idp.issuer] } },
        ],
      },
    });
  });
  after(async () => {
    await server?.stop();
    await idp?.close();
  });

  test('auth-methods lists the providers with state and PKCE values', async () => {
    const methods = await client().collection('users').listAuthMethods();
    assert.equal(methods.oauth2.enabled, true);
    const p = methods.oauth2.providers.find((x) => x.name === 'oidc');
    assert.ok(p);
    assert.equal(p.displayName, 'Test IdP');
    assert.equal(p.state.length, 30);
    assert.equal(p.codeChallengeMethod, 'S256');
    assert.equal(p.codeVerifier.length, 43);
    const url = new URL(p.authURL);
    assert.equal(url.origin + url.pathname, `${idp.url}/authorize`);
    assert.equal(url.searchParams.get('client_id'), idp.clientId);
    assert.equal(url.searchParams.get('code_challenge'), p.codeChallenge);
    assert.equal(url.searchParams.get('scope'), 'openid email profile');
    assert.ok(p.authURL.endsWith('&redirect_uri='));
  });

  test('the popup flow signs up a new user with createData, mapped fields and a link', async () => {
    const pb = client();
    const auth = await pb.collection('users').authWithOAuth2({ provider: 'oidc', createData: { nickname: 'countess' }, urlCallback: popup });
    assert.equal(auth.record.email, 'ada@example.com');
    assert.equal(auth.record.name, 'Ada Lovelace');
    assert.equal(auth.record.nickname, 'countess');
    assert.equal(auth.record.verified, true);
    assert.equal(auth.meta?.isNew, true);
    assert.equal(auth.meta?.id, 'idp-user-1');
    assert.equal(auth.meta?.accessToken.length, 32);
    assert.ok(pb.authStore.isValid);
    const links = await su.collection('_externalAuths').getFullList({ filter: `recordRef = "${auth.record.id}"` });
    assert.deepEqual(links.map((l) => [l.provider, l.providerId]), [['oidc', 'idp-user-1']]);
    // the exchange carried the PKCE verifier and the redirect URL
    const last = idp.tokenRequests.at(-1)!;
    assert.equal(last.redirect_uri, `${server.url}/api/oauth2-redirect`);
    assert.equal(last.code_verifier.length, 43);

    const again = await client().collection('users').authWithOAuth2({ provider: 'oidc', urlCallback: popup });
    assert.equal(again.record.id, auth.record.id);
    assert.equal(again.meta?.isNew, false);
  });

  test('a provider account with the same verified email links to the existing record', async () => {
    const existing = await su.collection('users').create({ email: 'grace@example.com', password: 'password-123', passwordConfirm: 'password-123', verified: true });
    idp.user = { sub: 'idp-user-2', name: 'Grace', email: 'grace@example.com', email_verified: true };
    const auth = await client().collection('users').authWithOAuth2({ provider: 'oidc', urlCallback: popup });
    assert.equal(auth.record.id, existing.id);
    assert.equal(auth.meta?.isNew, false);
    // the password still works: a verified record keeps it
    await client().collection('users').authWithPassword('grace@example.com', 'password-123');
  });

  test('OpenID Connect without a user-info URL reads the signed id_token', async () => {
    idp.user = { sub: 'idp-user-3', name: 'Katherine', email: 'kj@example.com', email_verified: true };
    const auth = await client().collection('users').authWithOAuth2({ provider: 'oidc2', urlCallback: popup });
    assert.equal(auth.record.email, 'kj@example.com');
    assert.equal(auth.meta?.isNew, true);
  });

  test('refusals: bad code, wrong PKCE verifier, unverified email, unknown provider, OAuth2 off', async () => {
    const users = client().collection('users');
    const redirect = `${server.url}/api/oauth2-redirect`;
    const badCode = await rejectsWith(users.authWithOAuth2Code('oidc', 'nope', 'x'.repeat(43), redirect), 400);
    assert.equal(badCode.response.message, 'Failed to fetch OAuth2 token.');
    // a real code with the wrong verifier
    const methods = await users.listAuthMethods();
    const p = methods.oauth2.providers.find((x) => x.name === 'oidc')!;
    const res = await fetch(`${p.authURL}${encodeURIComponent(redirect)}`, { redirect: 'manual' });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    await rejectsWith(users.authWithOAuth2Code('oidc', code, 'y'.repeat(43), redirect), 400);

    idp.user = { sub: 'idp-user-4', name: 'No Mail', email: 'unverified@example.com', email_verified: false };
    const noEmail = await rejectsWith(users.authWithOAuth2({ provider: 'oidc', urlCallback: popup }), 400);
    assert.equal(noEmail.response.message, 'Failed to authenticate.');

    const unknown = await rejectsWith(users.authWithOAuth2Code('github', 'c', 'v', redirect), 400);
    assert.equal((unknown.response.data as Record<string, { code: string }>).provider.code, 'validation_invalid_provider');
    const badConfig = await rejectsWith(su.collections.update('users', { oauth2: { providers: [{ name: 'myspace', clientId: 'a', clientSecret: 'b' }] } }), 400);
    assert.match(JSON.stringify(badConfig.response.data), /validation_missing_provider/);
    await rejectsWith(client().collection('members_none').authWithOAuth2Code('oidc', 'c', 'v', redirect), 404);
    await su.collections.update('users', { oauth2: { enabled: false } });
    await rejectsWith(users.authWithOAuth2Code('oidc', 'c', 'v', redirect), 403);
    await su.collections.update('users', { oauth2: { enabled: true } });
  });

  test('the redirect without a waiting client says so and delivers nothing', async () => {
    // as PocketBase: the dashboard's failure page (307 after a GET, 303 after a POST)
    const res = await fetch(`${server.url}/api/oauth2-redirect?state=nobody&code=abc`, { redirect: 'manual' });
    assert.equal(res.status, 307);
    assert.equal(res.headers.get('location'), '../_/#/auth/oauth2-redirect-failure');
    const posted = await fetch(`${server.url}/api/oauth2-redirect`, { method: 'POST', body: new URLSearchParams({ state: 'nobody', code: 'abc' }), redirect: 'manual' });
    assert.equal(posted.status, 303);
  });
});
