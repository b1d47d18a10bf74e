/** Collection deletion. */
import { step, type Scenario } from '../scenario.js';

/** Deletes views and collections; a referenced collection cannot go. */
export const cleanupScenario: Scenario = {
  name: 'collections.delete',
  steps: [
    step('delete a collection referenced by a relation', 400, ({ su }) =>
      su.collections.delete('users'),
    ),
    step('delete views', 'ok', async ({ su }) => {
      await su.collections.delete('posts_public');
      return su.collections.delete('author_stats');
    }),
    step('getOne deleted view', 404, ({ su }) => su.collections.getOne('posts_public')),
    step('delete imported', 'ok', ({ su }) => su.collections.delete('imported')),
    step('delete posts', 'ok', ({ su }) => su.collections.delete('posts')),
    step('records of a deleted collection', 404, ({ su }) =>
      su.collection('posts').getList(1, 10),
    ),
    step('delete unknown', 404, ({ su }) => su.collections.delete('nope_missing')),
    step('delete a system collection', 400, ({ su }) => su.collections.delete('_superusers')),
  ],
};
