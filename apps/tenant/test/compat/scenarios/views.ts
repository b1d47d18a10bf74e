/** View collections: schema inferred from the query, read-only records. */
import { step, type Scenario } from '../scenario.js';
import { collectionView, fieldList } from './helpers.js';

/** A plain projection view and an aggregate view. */
export const viewsScenario: Scenario = {
  name: 'views',
  steps: [
    step('create projection view', 'ok', async ({ su, exact }) => {
      const c = await su.collections.create({
        name: 'posts_public',
        type: 'view',
        viewQuery:
          'SELECT id, title, views, tags, author, created FROM posts WHERE published = true',
        listRule: '',
        viewRule: '',
      });
      exact('fields', fieldList(c));
      exact('viewQuery', c.viewQuery);
      return collectionView(c);
    }),
    step('create aggregate view', 'ok', async ({ su, exact }) => {
      const c = await su.collections.create({
        name: 'author_stats',
        type: 'view',
        viewQuery:
          'SELECT u.id, u.name, COUNT(p.id) AS total, SUM(p.views) AS views ' +
          'FROM users u LEFT JOIN posts p ON p.author = u.id GROUP BY u.id',
      });
      exact('fields', fieldList(c));
      return collectionView(c);
    }),
    step('create view with a bad query', 400, ({ su }) =>
      su.collections.create({ name: 'bad_view', type: 'view', viewQuery: 'SELECT nope FROM' }),
    ),
    step('guest lists projection view', 'ok', async ({ guest, exact }) => {
      const res = await guest
        .collection('posts_public')
        .getList(1, 20, { sort: 'title', expand: 'author' });
      exact('titles', res.items.map((r) => r.title));
      return res;
    }),
    step('guest views a view record', 'ok', ({ guest, get }) =>
      guest.collection('posts_public').getOne(get('post1')),
    ),
    step('guest lists aggregate view', 403, ({ guest }) =>
      guest.collection('author_stats').getList(1, 10),
    ),
    step('superuser lists aggregate view', 'ok', async ({ su, exact }) => {
      const res = await su.collection('author_stats').getList(1, 10, { sort: 'name' });
      exact('rows', res.items.map((r) => [r.name, r.total, r.views]));
      return res;
    }),
    step('create a record in a view', 400, ({ su }) =>
      su.collection('posts_public').create({ title: 'nope' }),
    ),
  ],
};
