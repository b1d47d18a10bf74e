/**
 * Logs, crons and rate limits: a request shows up in the logs with PocketBase's fields
 * (both servers write logs in batches, so the step waits for it), logs stats and filters,
 * running a cron job, and a rate limit rule answering 429.
 */
import PocketBase from 'pocketbase';
import { step, type Scenario } from '../scenario.js';

const WAIT_MS = 10_000;

/** Logs, crons and rate limits. */
export const logsScenario: Scenario = {
  name: 'logs, crons, rate limits',
  steps: [
    step('a request appears in the logs', 'ok', async ({ url, su, guest, exact }) => {
      await guest.collection('users').getList(1, 1, { filter: 'id = "logged_request"' }).catch(() => undefined);
      const filter = 'data.url ~ "logged_request"';
      // Polled by an unrecorded client: how long each server buffers its logs differs.
      const poller = new PocketBase(url);
      poller.autoCancellation(false);
      poller.authStore.save(su.authStore.token, su.authStore.record);
      const until = Date.now() + WAIT_MS;
      while ((await poller.logs.getList(1, 1, { filter })).items.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
      const res = await su.logs.getList(1, 10, { filter });
      const item = res.items[0];
      exact('entry', { count: res.items.length, level: item?.level, keys: Object.keys(item?.data ?? {}).sort(), method: item?.data.method, status: item?.data.status, auth: item?.data.auth });
      return res;
    }),
    step('logs stats', 'ok', async ({ su, exact }) => {
      const stats = await su.logs.getStats({ filter: 'data.url ~ "logged_request"' });
      exact('total', stats.reduce((n, s) => n + s.total, 0));
      return stats;
    }),
    step('one log entry', 'ok', async ({ su }) => {
      const res = await su.logs.getList(1, 1, { filter: 'data.url ~ "logged_request"' });
      return su.logs.getOne(res.items[0].id);
    }),
    step('log entry that does not exist', 404, ({ su }) => su.logs.getOne('missing0000000')),
    step('logs with an unknown filter field', 400, ({ su }) => su.logs.getList(1, 10, { filter: 'nope = 1' })),
    step('logs as a user', 403, ({ alice }) => alice.logs.getList(1, 10)),
    step('run the logs cleanup job', 'ok', ({ su }) => su.crons.run('__pbLogsCleanup__')),
    step('run an unknown job', 404, ({ su }) => su.crons.run('nope')),
    step('crons as a guest', 401, ({ guest }) => guest.crons.getFullList()),
    step('a rate limit rule answers 429', 'ok', async ({ su, client, exact }) => {
      await su.settings.update({ rateLimits: { enabled: true, rules: [{ label: 'posts:list', audience: '@guest', maxRequests: 2, duration: 60 }] } });
      const guest = client();
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push(await guest.collection('posts').getList(1, 1).then(() => 200, (err: { status: number }) => err.status));
      }
      exact('statuses', statuses);
      const otherCollection = await guest.collection('users').getList(1, 1).then(() => 200, (err: { status: number }) => err.status);
      exact('other collection', otherCollection);
      await su.settings.update({ rateLimits: { enabled: false } });
      return statuses;
    }),
  ],
};
