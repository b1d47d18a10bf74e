/** Auth records: sign up, password login, refresh, impersonation, visibility of email. */
import { step, type Scenario } from '../scenario.js';
import { listView, paging } from './helpers.js';

/** Passwords of the two `users` records every later scenario uses. */
export const USERS = {
  alice: { email: 'alice@example.com', password: 'alice-pass-123', name: 'Alice' },
  bob: { email: 'bob@example.com', password: 'bob-pass-123', name: 'Bob' },
} as const;

/** Creates alice and bob, authenticates the `alice` and `bob` clients. */
export const authScenario: Scenario = {
  name: 'auth',
  steps: [
    step('listAuthMethods', 'ok', async ({ guest, exact }) => {
      const res = await guest.collection('users').listAuthMethods();
      exact('password', res.password);
      exact('otp.enabled', res.otp.enabled);
      exact('mfa.enabled', res.mfa.enabled);
      return res;
    }),
    step('create user (email hidden)', 'ok', async ({ guest, set, exact }) => {
      const { alice } = USERS;
      const rec = await guest.collection('users').create({
        email: alice.email,
        password: alice.password,
        passwordConfirm: alice.password,
        name: alice.name,
      });
      set('aliceId', rec.id);
      exact('keys', Object.keys(rec).sort());
      exact('verified', rec.verified);
      return rec;
    }),
    step('create user (email visible)', 'ok', async ({ guest, set, exact }) => {
      const { bob } = USERS;
      const rec = await guest.collection('users').create({
        email: bob.email,
        password: bob.password,
        passwordConfirm: bob.password,
        name: bob.name,
        emailVisibility: true,
      });
      set('bobId', rec.id);
      exact('email', rec.email);
      return rec;
    }),
    step('create user: password mismatch + duplicate email', 400, ({ guest }) =>
      guest.collection('users').create({
        email: USERS.alice.email,
        password: 'something-long',
        passwordConfirm: 'something-else',
      }),
    ),
    step('authWithPassword wrong password', 400, ({ guest }) =>
      guest.collection('users').authWithPassword(USERS.alice.email, 'not-the-password'),
    ),
    step('authWithPassword alice', 'ok', async ({ alice, get, exact }) => {
      const res = await alice
        .collection('users')
        .authWithPassword(USERS.alice.email, USERS.alice.password);
      exact('is alice', res.record.id === get('aliceId'));
      exact('record.email', res.record.email);
      exact('authStore.isValid', alice.authStore.isValid);
      exact('authStore.isSuperuser', alice.authStore.isSuperuser);
      return res;
    }),
    step('authWithPassword bob', 'ok', ({ bob }) =>
      bob.collection('users').authWithPassword(USERS.bob.email, USERS.bob.password),
    ),
    step('authRefresh', 'ok', async ({ alice, get, exact }) => {
      const res = await alice.collection('users').authRefresh();
      exact('is alice', res.record.id === get('aliceId'));
      return res;
    }),
    step('authRefresh as guest', 401, ({ guest }) => guest.collection('users').authRefresh()),
    step('impersonate (superuser)', 'ok', async ({ su, get, set, exact }) => {
      const impersonated = await su.collection('users').impersonate(get('bobId'), 3600);
      set('impersonateToken', impersonated.authStore.token);
      exact('is bob', impersonated.authStore.record?.id === get('bobId'));
      const me = await impersonated.collection('users').getOne(get('bobId'));
      exact('can read self', me.id === get('bobId'));
      return { token: impersonated.authStore.token, record: impersonated.authStore.record };
    }),
    step('authRefresh with impersonate token', 'ok', async ({ client, get, exact }) => {
      const pb = client();
      pb.authStore.save(get('impersonateToken'), null);
      const res = await pb.collection('users').authRefresh();
      // Impersonate tokens are not refreshable: the same token comes back.
      exact('same token returned', res.token === get('impersonateToken'));
      exact('is bob', res.record.id === get('bobId'));
      return res;
    }),
    step('impersonate as a user', 403, ({ alice, get }) =>
      alice.collection('users').impersonate(get('bobId'), 3600),
    ),
    step('getOne self (email shown to owner)', 'ok', async ({ alice, get, exact }) => {
      const rec = await alice.collection('users').getOne(get('aliceId'));
      exact('email', rec.email);
      return rec;
    }),
    step('getOne other user (viewRule)', 404, ({ alice, get }) =>
      alice.collection('users').getOne(get('bobId')),
    ),
    step('getList users as guest (listRule filters)', 'ok', async ({ guest, exact }) => {
      const res = await guest.collection('users').getList(1, 10);
      exact('paging', paging(res));
      return res;
    }),
    step('getList users as superuser (emails shown)', 'ok', async ({ su, exact }) => {
      const res = await su.collection('users').getList(1, 10, { sort: 'name' });
      exact('emails', res.items.map((u) => u.email));
      return listView(res, (u) => u);
    }),
  ],
};
