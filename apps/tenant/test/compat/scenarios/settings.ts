/** Settings as the superuser and as others. */
import { step, type Scenario } from '../scenario.js';
import { pick } from './batch.js';

/** settings.getAll shape, limited to the keys Burrow is expected to mirror. */
export const settingsScenario: Scenario = {
  name: 'settings',
  steps: [
    step('getAll (meta, batch, rateLimits, trustedProxy)', 'ok', async ({ su, exact }) => {
      const settings = await su.settings.getAll();
      exact('batch', settings.batch);
      exact('rateLimits.enabled', (settings.rateLimits as { enabled?: unknown }).enabled);
      exact('trustedProxy', settings.trustedProxy);
      return pick(settings, ['meta', 'batch', 'rateLimits', 'trustedProxy']);
    }),
    step('getAll as guest', 401, ({ guest }) => guest.settings.getAll()),
    step('getAll as user', 403, ({ alice }) => alice.settings.getAll()),
  ],
};
