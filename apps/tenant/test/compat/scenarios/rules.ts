/** API rules seen by a guest, a user and the superuser. */
import { step, type Scenario } from '../scenario.js';
import { paging } from './helpers.js';

/** posts rules (see collections.ts) and a `locked` collection with superuser-only rules. */
export const rulesScenario: Scenario = {
  name: 'rules',
  steps: [
    step('guest list (listRule filters to nothing)', 'ok', async ({ guest, exact }) => {
      const res = await guest.collection('posts').getList(1, 10);
      exact('paging', paging(res));
      return res;
    }),
    step('guest view', 404, ({ guest, get }) => guest.collection('posts').getOne(get('post1'))),
    step('guest create', 400, ({ guest, get }) =>
      guest.collection('posts').create({ title: 'By guest', author: get('aliceId') }),
    ),
    step('user views a post of another user', 'ok', ({ bob, get }) =>
      bob.collection('posts').getOne(get('post1')),
    ),
    step('user updates a post of another user', 404, ({ bob, get }) =>
      bob.collection('posts').update(get('post1'), { title: 'Hijacked' }),
    ),
    step('user deletes a post of another user', 404, ({ bob, get }) =>
      bob.collection('posts').delete(get('post1')),
    ),
    step('user creates a post for another user', 400, ({ alice, get }) =>
      alice.collection('posts').create({ title: 'Spoofed', author: get('bobId') }),
    ),
    step('user filters with @collection', 403, ({ alice }) =>
      alice.collection('posts').getList(1, 10, {
        filter: '@collection.users.name = "Bob" && author = @collection.users.id',
      }),
    ),
    step('superuser filters with @collection', 'ok', async ({ su, exact }) => {
      const res = await su.collection('posts').getList(1, 10, {
        filter: '@collection.users.name = "Bob" && author = @collection.users.id',
        sort: 'title',
      });
      exact('paging', paging(res));
      return res;
    }),
    step('user filters with @request.auth', 403, ({ alice }) =>
      alice.collection('posts').getList(1, 10, { filter: 'author = @request.auth.id' }),
    ),
    // Joins through a relation apply the related collection's listRule for non-superusers
    // (alice cannot see bob), and a hidden email does not match.
    ...(
      [
        ['user', 'alice', 'author.name = "Alice" || author.name = "Bob"'],
        ['user', 'alice', 'author.email ~ "alice@"'],
        ['superuser', 'su', 'author.name = "Alice" || author.name = "Bob"'],
        ['superuser', 'su', 'author.email ~ "alice@"'],
      ] as const
    ).map(([who, client, filter]) =>
      step(`${who} filters through a relation: ${filter}`, 'ok', async (ctx) => {
        const res = await ctx[client].collection('posts').getList(1, 10, { filter, sort: 'title' });
        ctx.exact('titles', res.items.map((r) => r.title));
        return res;
      }),
    ),
    step('superuser lists everything', 'ok', async ({ su, exact }) => {
      const res = await su.collection('posts').getList(1, 50, { sort: 'title' });
      exact('paging', paging(res));
      return res;
    }),
    step('superuser updates any post', 'ok', async ({ su, get, exact }) => {
      const rec = await su.collection('posts').update(get('post4'), { views: 8 });
      exact('views', rec.views);
      return rec;
    }),
    step('create collection with superuser-only rules', 'ok', ({ su }) =>
      su.collections.create({
        name: 'locked',
        type: 'base',
        fields: [{ name: 'title', type: 'text' }],
      }),
    ),
    step('guest lists locked', 403, ({ guest }) => guest.collection('locked').getList(1, 10)),
    step('user creates in locked', 403, ({ alice }) =>
      alice.collection('locked').create({ title: 'nope' }),
    ),
    step('superuser creates in locked', 'ok', async ({ su, set }) => {
      const rec = await su.collection('locked').create({ title: 'secret' });
      set('locked1', rec.id);
      return rec;
    }),
    step('user views locked record', 403, ({ alice, get }) =>
      alice.collection('locked').getOne(get('locked1')),
    ),
    step('user calls the collections API', 403, ({ alice }) => alice.collections.getList(1, 10)),
    step('guest calls the collections API', 401, ({ guest }) => guest.collections.getList(1, 10)),
  ],
};
