/** Collection CRUD and import as the superuser; creates `posts` used by later scenarios. */
import type { CollectionModel } from 'pocketbase';
import { step, type Scenario } from '../scenario.js';
import { collectionView, fieldList, listView, paging } from './helpers.js';

/** Fields of the `posts` collection (one of each common type). */
export function postsFields(usersCollectionId: string): Array<Record<string, unknown>> {
  return [
    { name: 'title', type: 'text', required: true, max: 50 },
    { name: 'views', type: 'number' },
    { name: 'published', type: 'bool' },
    { name: 'tags', type: 'select', maxSelect: 4, values: ['a', 'b', 'c', 'd'] },
    { name: 'meta', type: 'json' },
    { name: 'publishedAt', type: 'date' },
    { name: 'author', type: 'relation', collectionId: usersCollectionId, maxSelect: 1 },
    { name: 'contact', type: 'email' },
    { name: 'website', type: 'url' },
    { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
    { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
  ];
}

/** API rules of `posts`: signed-in users read everything, authors own their posts. */
export const POSTS_RULES = {
  listRule: '@request.auth.id != ""',
  viewRule: '@request.auth.id != ""',
  createRule: '@request.auth.id != "" && @request.body.author = @request.auth.id',
  updateRule: 'author = @request.auth.id',
  deleteRule: 'author = @request.auth.id',
};

function rules(c: CollectionModel): Record<string, unknown> {
  return {
    listRule: c.listRule,
    viewRule: c.viewRule,
    createRule: c.createRule,
    updateRule: c.updateRule,
    deleteRule: c.deleteRule,
  };
}

/** Collections API: getOne, create, getList, update (add + rename field), import, errors. */
export const collectionsScenario: Scenario = {
  name: 'collections',
  steps: [
    step('getOne users', 'ok', async ({ su, set, exact }) => {
      const c = await su.collections.getOne('users');
      set('usersCollectionId', c.id);
      exact('type', c.type);
      exact('fields', fieldList(c));
      return collectionView(c);
    }),
    step('create posts', 'ok', async ({ su, get, set, exact }) => {
      const c = await su.collections.create({
        name: 'posts',
        type: 'base',
        fields: postsFields(get('usersCollectionId')),
        indexes: ['CREATE INDEX idx_posts_views ON posts (views)'],
        ...POSTS_RULES,
      });
      set('postsCollectionId', c.id);
      exact('fields', fieldList(c));
      exact('rules', rules(c));
      exact('indexes', c.indexes);
      return collectionView(c);
    }),
    step('create duplicate name', 400, ({ su }) =>
      su.collections.create({ name: 'posts', type: 'base', fields: [] }),
    ),
    step('create invalid field', 400, ({ su }) =>
      su.collections.create({
        name: 'broken',
        type: 'base',
        fields: [{ name: 'sel', type: 'select', values: [] }],
      }),
    ),
    step('getOne posts', 'ok', async ({ su, exact }) => {
      const c = await su.collections.getOne('posts');
      exact('fields', fieldList(c));
      return collectionView(c);
    }),
    step('getOne unknown', 404, ({ su }) => su.collections.getOne('nope_missing')),
    step('getList sorted by name', 'ok', async ({ su, exact }) => {
      const res = await su.collections.getList(1, 100, { sort: 'name' });
      exact('names', res.items.map((c) => c.name));
      exact('paging', paging(res));
      return listView(res, collectionView);
    }),
    step('getList filtered', 'ok', async ({ su, exact }) => {
      const res = await su.collections.getList(1, 10, { filter: 'type = "auth"', sort: 'name' });
      exact('names', res.items.map((c) => c.name));
      return listView(res, collectionView);
    }),
    step('update: add a field', 'ok', async ({ su, exact }) => {
      const c = await su.collections.getOne('posts');
      const updated = await su.collections.update('posts', {
        fields: [...c.fields, { name: 'summary', type: 'editor' }],
      });
      exact('fields', fieldList(updated));
      return collectionView(updated);
    }),
    step('update: rename a field', 'ok', async ({ su, exact }) => {
      const c = await su.collections.getOne('posts');
      const fields = c.fields.map((f) => (f.name === 'summary' ? { ...f, name: 'excerpt' } : f));
      const updated = await su.collections.update('posts', { fields });
      exact('fields', fieldList(updated));
      return collectionView(updated);
    }),
    step('update: bad rule', 400, ({ su }) =>
      su.collections.update('posts', { listRule: 'nofield = 1' }),
    ),
    step('import (deleteMissing false)', 'ok', async ({ su, exact }) => {
      // Import accepts partial collection objects; the SDK types ask for full models.
      const partial = [
        {
          name: 'imported',
          type: 'base',
          fields: [
            { name: 'label', type: 'text', required: true },
            { name: 'rank', type: 'number', onlyInt: true },
          ],
          listRule: '',
        },
      ] as unknown as CollectionModel[];
      const res = await su.collections.import(partial, false);
      const after = await su.collections.getList(1, 100, { sort: 'name' });
      exact('names after', after.items.map((c) => c.name));
      return res;
    }),
    step('getOne imported', 'ok', async ({ su, exact }) => {
      const c = await su.collections.getOne('imported');
      exact('fields', fieldList(c));
      exact('listRule', c.listRule);
      return collectionView(c);
    }),
    step('import invalid', 400, ({ su }) =>
      su.collections.import(
        // Deliberately invalid (no name); see the cast reason above.
        [{ type: 'base', fields: [] }] as unknown as CollectionModel[],
        false,
      ),
    ),
  ],
};
