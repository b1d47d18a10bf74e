/** Record CRUD through the SDK: create, read with query options, modifiers, delete. */
import type { RecordModel } from 'pocketbase';
import { step, type Scenario } from '../scenario.js';
import { paging } from './helpers.js';

const titles = (items: RecordModel[]) => items.map((r) => r.title as string);

/** Creates the posts every later scenario reads (ids stored as post1..post5). */
export const recordsScenario: Scenario = {
  name: 'records',
  steps: [
    step('create (all field types)', 'ok', async ({ alice, get, set, exact }) => {
      const rec = await alice.collection('posts').create({
        title: 'Hello world',
        views: 1,
        published: true,
        tags: ['a'],
        meta: { k: 1, nested: { list: [1, 'two', null] } },
        publishedAt: '2024-01-02 03:04:05.000Z',
        author: get('aliceId'),
        contact: 'alice@example.com',
        website: 'https://example.com/a',
        excerpt: '<p>Hi</p>',
      });
      set('post1', rec.id);
      exact('values', {
        title: rec.title,
        views: rec.views,
        published: rec.published,
        tags: rec.tags,
        meta: rec.meta,
        publishedAt: rec.publishedAt,
        contact: rec.contact,
        website: rec.website,
        excerpt: rec.excerpt,
        collectionName: rec.collectionName,
        authorIsAlice: rec.author === get('aliceId'),
      });
      return rec;
    }),
    step('create (defaults for omitted fields)', 'ok', async ({ alice, get, set, exact }) => {
      const rec = await alice.collection('posts').create({
        title: 'Second post',
        views: 5,
        tags: ['b', 'c'],
        author: get('aliceId'),
      });
      set('post2', rec.id);
      exact('values', {
        views: rec.views,
        published: rec.published,
        tags: rec.tags,
        meta: rec.meta,
        publishedAt: rec.publishedAt,
        contact: rec.contact,
        website: rec.website,
        excerpt: rec.excerpt,
      });
      return rec;
    }),
    step('create more (alice, bob, superuser)', 'ok', async ({ alice, bob, su, get, set }) => {
      const p3 = await alice
        .collection('posts')
        .create({ title: 'Another one', views: 12, published: true, author: get('aliceId') });
      const p4 = await bob
        .collection('posts')
        .create({ title: 'Bob post', views: 7, published: true, author: get('bobId') });
      const p5 = await su.collection('posts').create({ title: 'Orphan', views: 0 });
      set('post3', p3.id);
      set('post4', p4.id);
      set('post5', p5.id);
      return [p3, p4, p5];
    }),
    step('getOne', 'ok', ({ alice, get }) => alice.collection('posts').getOne(get('post1'))),
    step('getOne with expand', 'ok', async ({ alice, get, exact }) => {
      const rec = await alice.collection('posts').getOne(get('post1'), { expand: 'author' });
      exact('expand.author.name', rec.expand?.author?.name);
      return rec;
    }),
    step('getOne with fields', 'ok', async ({ alice, get, exact }) => {
      const rec = await alice
        .collection('posts')
        .getOne(get('post1'), { fields: 'id,title,meta,excerpt:excerpt(4,true)' });
      exact('keys', Object.keys(rec).sort());
      exact('excerpt', rec.excerpt);
      return rec;
    }),
    step('getList filter+sort+expand+fields', 'ok', async ({ alice, exact }) => {
      const res = await alice.collection('posts').getList(1, 10, {
        filter: 'views > 0 && title ~ "o"',
        sort: '-views,title',
        expand: 'author',
        fields: 'id,title,views,tags,expand.author.id,expand.author.name',
      });
      exact('titles', titles(res.items));
      exact('paging', paging(res));
      exact('expanded', res.items.map((r) => r.expand?.author?.name ?? null));
      return res;
    }),
    step('getList expand respects the related viewRule', 'ok', async ({ alice, exact }) => {
      const res = await alice
        .collection('posts')
        .getList(1, 10, { sort: 'title', expand: 'author' });
      exact(
        'expand keys',
        res.items.map((r) => [r.title, Object.keys(r.expand ?? {})]),
      );
      return res;
    }),
    step('getList page 2 with skipTotal', 'ok', async ({ alice, exact }) => {
      const res = await alice
        .collection('posts')
        .getList(2, 2, { sort: 'title', skipTotal: true });
      exact('titles', titles(res.items));
      exact('paging', paging(res));
      return res;
    }),
    step('getList back-relation expand', 'ok', async ({ alice, get, exact }) => {
      const rec = await alice
        .collection('users')
        .getOne(get('aliceId'), { expand: 'posts_via_author' });
      const related = (rec.expand?.posts_via_author ?? []) as RecordModel[];
      exact('related titles', titles(related).sort());
      return rec;
    }),
    step('getFullList', 'ok', async ({ su, exact }) => {
      const all = await su.collection('posts').getFullList({ sort: 'title' });
      exact('titles', titles(all));
      return all;
    }),
    step('getFullList small batches', 'ok', async ({ su, exact }) => {
      const all = await su.collection('posts').getFullList({ sort: '-views', batch: 2 });
      exact('titles', titles(all));
      return all;
    }),
    step('getFirstListItem', 'ok', async ({ alice, exact }) => {
      const rec = await alice.collection('posts').getFirstListItem('title = "Second post"');
      exact('title', rec.title);
      return rec;
    }),
    step('getFirstListItem no match', 404, ({ alice }) =>
      alice.collection('posts').getFirstListItem('title = "missing"'),
    ),
    step('update with modifiers (tags+, views+)', 'ok', async ({ alice, get, exact }) => {
      const rec = await alice
        .collection('posts')
        .update(get('post1'), { 'tags+': 'd', 'views+': 10 });
      exact('values', { tags: rec.tags, views: rec.views });
      return rec;
    }),
    step('update with modifiers (+tags, tags-, views-)', 'ok', async ({ alice, get, exact }) => {
      const rec = await alice
        .collection('posts')
        .update(get('post1'), { '+tags': 'b', 'tags-': 'a', 'views-': 3 });
      exact('values', { tags: rec.tags, views: rec.views });
      return rec;
    }),
    step('update plain fields', 'ok', async ({ alice, get, exact }) => {
      const rec = await alice
        .collection('posts')
        .update(get('post2'), { title: 'Second post (edited)', published: true, meta: [1, 2] });
      exact('values', { title: rec.title, published: rec.published, meta: rec.meta });
      return rec;
    }),
    step('delete', 'ok', ({ alice, get }) => alice.collection('posts').delete(get('post3'))),
    step('getOne deleted', 404, ({ alice, get }) => alice.collection('posts').getOne(get('post3'))),
  ],
};
