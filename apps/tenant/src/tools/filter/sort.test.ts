import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FilterError } from './errors.js';
import type { FieldResolver } from './resolver.js';
import { buildSort, parseSort } from './sort.js';

const resolver: FieldResolver = {
  resolve(f) {
    if (f === 'param') return { sql: '?', params: [1] };
    if (f === 'nothing') return { sql: 'NULL', params: [] };
    if (f === 'crash') throw new TypeError('boom');
    if (/^[a-z]+$/.test(f)) return { sql: `[${f}]`, params: [] };
    throw new FilterError(`unknown field "${f}"`);
  },
};

describe('parseSort', () => {
  const cases: [string, [string, boolean][]][] = [
    ['', []],
    ['title', [['title', false]]],
    ['-created,title', [['created', true], ['title', false]]],
    [' +a , -b ', [['a', false], ['b', true]]],
    ['a,,b', [['a', false], ['', false], ['b', false]]],
    ['--a,++b', [['-a', true], ['+b', false]]],
    ['@random,-@rowid', [['@random', false], ['@rowid', true]]],
  ];
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => {
      assert.deepEqual(parseSort(input), expected.map(([field, desc]) => ({ field, desc })));
    });
  }
});

describe('buildSort', () => {
  it('builds ORDER BY terms', () => {
    assert.equal(buildSort('-created,title', resolver), '[created] DESC, [title] ASC');
    assert.equal(buildSort('', resolver), '');
    assert.equal(buildSort([{ field: 'a', desc: true }], resolver), '[a] DESC');
  });

  it('handles @random and @rowid', () => {
    assert.equal(buildSort('-@random', resolver), 'RANDOM()');
    assert.equal(buildSort('@rowid,-@rowid', resolver), '[_rowid_] ASC, [_rowid_] DESC');
    assert.equal(buildSort('-@rowid', resolver, { rowidTable: 'my"posts' }), '"my""posts".[_rowid_] DESC');
  });

  it('rejects invalid fields and limits', () => {
    const cases: [string, string][] = [
      ['unknown_x', 'invalid sort field "unknown_x"'],
      ['a,,b', 'invalid sort field ""'],
      ['param', 'invalid sort field "param"'],
      ['nothing', 'invalid sort field "nothing"'],
      ['@now', 'invalid sort field "@now"'],
      ['a,b,c,d,e,f,g,h,i', 'max sort expressions limit reached'],
      ['x'.repeat(256), 'max sort field length limit reached'],
      ['é'.repeat(128), 'max sort field length limit reached'],
    ];
    for (const [input, message] of cases) {
      assert.throws(() => buildSort(input, resolver), { name: 'FilterError', message }, input);
    }
    assert.equal(buildSort('a,b,c,d,e,f,g,h', resolver).split(', ').length, 8);
    assert.equal(buildSort('x'.repeat(255), resolver), `[${'x'.repeat(255)}] ASC`);
    assert.equal(buildSort('a,b,c', resolver, { maxItems: 3 }), '[a] ASC, [b] ASC, [c] ASC');
  });

  it('lets non-FilterError resolver failures through', () => {
    assert.throws(() => buildSort('crash', resolver), TypeError);
  });
});
