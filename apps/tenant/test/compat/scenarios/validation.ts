/** Validation and request errors: status, body shape and the per-field error codes. */
import { step, type Scenario } from '../scenario.js';

/** Bad bodies, bad query options and unknown collections. */
export const validationScenario: Scenario = {
  name: 'validation',
  steps: [
    step('missing required field', 400, ({ alice, get }) =>
      alice.collection('posts').create({ views: 1, author: get('aliceId') }),
    ),
    step('bad email', 400, ({ alice, get }) =>
      alice
        .collection('posts')
        .create({ title: 'x', contact: 'not-an-email', author: get('aliceId') }),
    ),
    step('bad url', 400, ({ alice, get }) =>
      alice.collection('posts').create({ title: 'x', website: 'nope', author: get('aliceId') }),
    ),
    step('text longer than max', 400, ({ alice, get }) =>
      alice.collection('posts').create({ title: 'x'.repeat(51), author: get('aliceId') }),
    ),
    step('select value not allowed', 400, ({ alice, get }) =>
      alice.collection('posts').create({ title: 'x', tags: ['zzz'], author: get('aliceId') }),
    ),
    step('relation to a missing record', 400, ({ su }) =>
      su.collection('posts').create({ title: 'x', author: 'xxxxxxxxxxxxxxx' }),
    ),
    step('several errors at once', 400, ({ su }) =>
      su.collection('posts').create({ title: '', contact: 'bad', website: 'bad', tags: ['zzz'] }),
    ),
    step('custom id accepted', 'ok', async ({ su, exact }) => {
      const rec = await su.collection('posts').create({ id: 'customid1234567', title: 'Custom id' });
      exact('id', rec.id);
      return rec;
    }),
    step('custom id invalid', 400, ({ su }) =>
      su.collection('posts').create({ id: 'short', title: 'Bad id' }),
    ),
    step('custom id duplicate', 400, ({ su }) =>
      su.collection('posts').create({ id: 'customid1234567', title: 'Dup id' }),
    ),
    step('unknown collection', 404, ({ alice }) => alice.collection('nope_missing').getList(1, 10)),
    step('unknown record', 404, ({ alice }) =>
      alice.collection('posts').getOne('xxxxxxxxxxxxxxx'),
    ),
    step('bad filter syntax', 400, ({ alice }) =>
      alice.collection('posts').getList(1, 10, { filter: 'title ~~ "x"' }),
    ),
    step('filter on unknown field', 400, ({ alice }) =>
      alice.collection('posts').getList(1, 10, { filter: 'nofield = 1' }),
    ),
    step('sort on unknown field', 400, ({ alice }) =>
      alice.collection('posts').getList(1, 10, { sort: '-nofield' }),
    ),
    step('update with invalid value', 400, ({ alice, get }) =>
      alice.collection('posts').update(get('post1'), { title: '' }),
    ),
  ],
};
