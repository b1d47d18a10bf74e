/** Superuser login and health. */
import { step, SUPERUSER, type Scenario } from '../scenario.js';

/** Authenticates the `su` client; every later scenario relies on it. */
export const superuserScenario: Scenario = {
  name: 'superuser',
  steps: [
    step('authWithPassword wrong password', 400, ({ guest }) =>
      guest.collection('_superusers').authWithPassword(SUPERUSER.email, 'wrong-password'),
    ),
    step('authWithPassword', 'ok', async ({ su, exact }) => {
      const res = await su
        .collection('_superusers')
        .authWithPassword(SUPERUSER.email, SUPERUSER.password);
      exact('isSuperuser', su.authStore.isSuperuser);
      exact('record.collectionName', res.record.collectionName);
      exact('record.email', res.record.email);
      return res;
    }),
    step('health.check as guest', 'ok', async ({ guest, exact }) => {
      const res = await guest.health.check();
      exact('body', res);
      return res;
    }),
    step('health.check as superuser', 'ok', ({ su }) => su.health.check()),
  ],
};
