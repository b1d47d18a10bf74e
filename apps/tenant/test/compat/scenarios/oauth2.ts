/**
 * OAuth2 against a loopback OpenID Connect provider the scenario starts: provider
 * configuration, auth-methods, the SDK's popup flow (realtime @oauth2 + redirect), sign-up
 * with createData, sign-in of the linked record, linking by email, and refusals.
 */
import { EventSource } from 'eventsource';
import { startIdp, type IdpHandle } from '../../support/oauth2_provider.js';
import { step, type Scenario } from '../scenario.js';

(globalThis as { EventSource?: unknown }).EventSource = EventSource;

let idp: IdpHandle | undefined;

async function popup(url: string): Promise<void> {
  await (await fetch(url, { redirect: 'follow' })).text();
}

/** OAuth2 sign-in flows. */
export const oauth2Scenario: Scenario = {
  name: 'oauth2',
  steps: [
    step('OAuth2 while disabled', 403, ({ guest, url }) => guest.collection('users').authWithOAuth2Code('oidc', 'c', 'v', `${url}/api/oauth2-redirect`)),
    step('configure an unknown provider', 400, ({ su }) => su.collections.update('users', { oauth2: { enabled: true, providers: [{ name: 'myspace', clientId: 'a', clientSecret: 'b' }] } })),
    step('configure an OIDC provider', 'ok', async ({ su, exact }) => {
      await idp?.close();
      idp = await startIdp({ sub: 'compat-sub-1', name: 'Compat Ada', email: 'compat-ada@example.com', email_verified: true });
      const c = await su.collections.update('users', {
        oauth2: {
          enabled: true,
          mappedFields: { name: 'name' },
          providers: [{ name: 'oidc', clientId: idp.clientId, clientSecret: idp.clientSecret, authURL: `${idp.url}/authorize`, tokenURL: `${idp.url}/token`, userInfoURL: `${idp.url}/userinfo`, displayName: 'Compat IdP' }],
        },
      });
      const providers = (c.oauth2 as { providers: Array<Record<string, unknown>> }).providers.map((p) => ({ ...p, authURL: 'x', tokenURL: 'x', userInfoURL: 'x' }));
      exact('providers', providers);
      return { ...c.oauth2, providers };
    }),
    step('auth-methods with the provider', 'ok', async ({ guest, exact }) => {
      const m = await guest.collection('users').listAuthMethods();
      const p = m.oauth2.providers[0];
      const url = new URL(p.authURL);
      exact('provider', { name: p.name, displayName: p.displayName, state: p.state.length, verifier: p.codeVerifier.length, method: p.codeChallengeMethod, params: [...url.searchParams.keys()] });
      // logos differ (PocketBase ships SVGs): compared blank
      const legacy = (m as unknown as { authProviders?: Array<Record<string, unknown>> }).authProviders ?? [];
      return { ...m, oauth2: { ...m.oauth2, providers: m.oauth2.providers.map((x) => ({ ...x, logo: '' })) }, authProviders: legacy.map((x) => ({ ...x, logo: '' })) };
    }),
    step('sign up through the popup flow', 'ok', async ({ client, exact, set }) => {
      const auth = await client().collection('users').authWithOAuth2({ provider: 'oidc', createData: { name: 'from createData' }, urlCallback: popup });
      set('oauthUser', auth.record.id);
      exact('result', { email: auth.record.email, name: auth.record.name, verified: auth.record.verified, isNew: auth.meta?.isNew, id: auth.meta?.id });
      return auth;
    }),
    step('sign in again: the linked record', 'ok', async ({ client, get, exact }) => {
      const auth = await client().collection('users').authWithOAuth2({ provider: 'oidc', urlCallback: popup });
      exact('result', { same: auth.record.id === get('oauthUser'), isNew: auth.meta?.isNew });
      return auth;
    }),
    step('the link is in _externalAuths', 'ok', async ({ su, get, exact }) => {
      const links = await su.collection('_externalAuths').getFullList({ filter: `recordRef = "${get('oauthUser')}"` });
      exact('links', links.map((l) => [l.provider, l.providerId]));
      return links;
    }),
    step('a verified email links to the existing record', 'ok', async ({ su, client, exact }) => {
      const existing = await su.collection('users').create({ email: 'compat-grace@example.com', password: 'password-123', passwordConfirm: 'password-123', verified: true });
      idp!.user = { sub: 'compat-sub-2', name: 'Grace', email: 'compat-grace@example.com', email_verified: true };
      const auth = await client().collection('users').authWithOAuth2({ provider: 'oidc', urlCallback: popup });
      exact('result', { same: auth.record.id === existing.id, isNew: auth.meta?.isNew });
      return auth;
    }),
    step('an unverified provider email cannot sign up', 400, async ({ client }) => {
      idp!.user = { sub: 'compat-sub-3', name: 'Nobody', email: 'compat-nobody@example.com', email_verified: false };
      return client().collection('users').authWithOAuth2({ provider: 'oidc', urlCallback: popup });
    }),
    step('a bad code', 400, ({ guest, url }) => guest.collection('users').authWithOAuth2Code('oidc', 'bad-code', 'v'.repeat(43), `${url}/api/oauth2-redirect`)),
    step('an unknown provider', 400, ({ guest, url }) => guest.collection('users').authWithOAuth2Code('github', 'c', 'v', `${url}/api/oauth2-redirect`)),
    step('turn OAuth2 off', 'ok', async ({ su }) => {
      const c = await su.collections.update('users', { oauth2: { enabled: false, providers: [] } });
      await idp?.close();
      idp = undefined;
      return c.oauth2;
    }),
  ],
};
