import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROVIDERS } from './providers.js';

test('provider user mapping takes an email only when the provider vouches for it', async () => {
  assert.equal(PROVIDERS.oidc.mapUser({ sub: '1', email: 'a@x.io', email_verified: true }).email, 'a@x.io');
  assert.equal(PROVIDERS.oidc.mapUser({ sub: '1', email: 'a@x.io', email_verified: false }).email, '');
  assert.equal(PROVIDERS.oidc.mapUser({ sub: '1', email: 'a@x.io', email_verified: 'true' }).email, 'a@x.io');
  assert.equal(PROVIDERS.gitlab.mapUser({ id: 7, email: 'g@x.io', confirmed_at: null }).email, '');
  assert.equal(PROVIDERS.gitlab.mapUser({ id: 7, email: 'g@x.io', confirmed_at: '2024-01-01T00:00:00Z' }).email, 'g@x.io');
  assert.equal(PROVIDERS.discord.mapUser({ id: '9', email: 'd@x.io', verified: false }).email, '');
  for (const name of ['github', 'gitea'] as const) {
    const p = PROVIDERS[name];
    const user = p.mapUser({ id: 3, login: 'octo', email: 'profile@x.io' });
    assert.equal(user.email, '', `${name}: the profile email is not trusted`);
    await p.enrich!(user, async () => [{ email: 'other@x.io', verified: true, primary: false }, { email: 'main@x.io', verified: true, primary: true }], 'https://api.example/user');
    assert.equal(user.email, 'main@x.io');
    const unverified = p.mapUser({ id: 3 });
    await p.enrich!(unverified, async () => [{ email: 'main@x.io', verified: false, primary: true }], 'https://api.example/user');
    assert.equal(unverified.email, '');
  }
});
