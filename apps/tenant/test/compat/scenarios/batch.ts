/** Batch requests: disabled by default, enabled through settings, success and rollback. */
import type { BatchRequestResult } from 'pocketbase';
import { step, type Scenario } from '../scenario.js';
import { paging } from './helpers.js';

const statuses = (results: BatchRequestResult[]) => results.map((r) => r.status);

/** Enables batch (settings.update) and sends one good and one failing batch. */
export const batchScenario: Scenario = {
  name: 'batch',
  steps: [
    step('batch while disabled', 403, ({ su }) => {
      const batch = su.createBatch();
      batch.collection('posts').create({ title: 'Too early' });
      return batch.send();
    }),
    step('settings.update enables batch', 'ok', async ({ su, exact }) => {
      const settings = await su.settings.update({
        batch: { enabled: true, maxRequests: 50, timeout: 3, maxBodySize: 0 },
      });
      exact('batch', settings.batch);
      return pick(settings, ['meta', 'batch', 'rateLimits', 'trustedProxy']);
    }),
    step('batch create, update, upsert, delete', 'ok', async ({ su, get, exact }) => {
      const batch = su.createBatch();
      batch.collection('posts').create({ title: 'Batch one', views: 3, author: get('aliceId') });
      batch.collection('posts').create({ title: 'Batch two', views: 4 });
      batch.collection('posts').update(get('post2'), { 'views+': 1 });
      batch.collection('posts').upsert({ id: 'batchupsert0001', title: 'Batch upsert' });
      batch.collection('posts').delete(get('post5'));
      const res = await batch.send();
      exact('statuses', statuses(res));
      exact('titles', res.map((r) => (r.body as { title?: string } | null)?.title ?? null));
      return res;
    }),
    step('batch with a failing request rolls back', 400, ({ su }) => {
      const batch = su.createBatch();
      batch.collection('posts').create({ title: 'Batch rollback' });
      batch.collection('posts').create({ views: 1 });
      return batch.send();
    }),
    step('nothing from the failed batch was saved', 'ok', async ({ su, exact }) => {
      const res = await su
        .collection('posts')
        .getList(1, 10, { filter: 'title = "Batch rollback"' });
      exact('paging', paging(res));
      return res;
    }),
    step('batch as a user honours rules', 400, ({ alice, get }) => {
      const batch = alice.createBatch();
      batch.collection('posts').create({ title: 'Alice batch', author: get('aliceId') });
      batch.collection('posts').create({ title: 'Not hers', author: get('bobId') });
      return batch.send();
    }),
    step('batch as a user', 'ok', async ({ alice, get, exact }) => {
      const batch = alice.createBatch();
      batch.collection('posts').create({ title: 'Alice batch', author: get('aliceId') });
      batch.collection('posts').update(get('post1'), { views: 2 });
      const res = await batch.send();
      exact('statuses', statuses(res));
      return res;
    }),
  ],
};

/** Copies only the named keys (settings carry many more than the ones compared). */
export function pick(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, obj[k]]));
}
