/**
 * Seeded fuzzing: random strings and mutations of valid filters must either compile to SQL that
 * SQLite accepts (with every param bound) or throw FilterError - nothing else, and quickly.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { FilterError } from './errors.js';
import { buildFilter, buildSort, parseFilter, tokenize, type FieldResolver, type ResolvedOperand, type Token } from './index.js';
import { SIGN_OPERATORS } from './lexer.js';
import { ITEMS_FROM, ITEMS_SCHEMA, SEED_FILTERS, itemsResolver, mutateFilter, prng, randomFilter } from './test_support.js';

const db = new Database(':memory:');
db.exec(ITEMS_SCHEMA);
db.exec(`INSERT INTO items (id, title, num, tags, nums, data) VALUES ('a', 'x', 1, '["x"]', '[1]', '{"a":1}'), ('b', NULL, NULL, '[]', '[]', NULL)`);
after(() => db.close());

/** Accepts any identifier, mapping it to fixed SQL by its shape (never by splicing its text). */
const permissive: FieldResolver = {
  resolve(f: string): ResolvedOperand {
    if (f.includes('each')) return itemsResolver.resolve('tags:each');
    if (f.includes('.')) return itemsResolver.resolve('data.a');
    if (f.startsWith('@')) return { sql: '?', params: [f.length % 2 === 0 ? '' : 'v'] };
    return f.length % 3 === 0 ? itemsResolver.resolve('num') : itemsResolver.resolve('title');
  },
};

const IDENTIFIERS = [
  'id', 'title', 'num', 'created', 'tags', 'tags:each', 'nums:each', 'tags:length', 'data', 'data.a', 'email',
  '@request.body.x', '@request.body.empty', '@request.auth.id', '@now', '@hour', '@yearEnd', 'null', 'true', 'FALSE',
];
const TEXTS = ['', 'x', '%', '_', '\\', 'a%b', 'a\\%', "it's", '"q"', 'é😀', '2024-01-01', '%Y-%m', 'unixepoch'];

/** Re-renders a token, randomly swapped for another of its kind; groups and calls are re-tokenized inside. */
function retoken(rand: () => number, t: Token): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const swap = rand() < 0.3;
  switch (t.kind) {
    case 'sign':
      return swap ? pick(SIGN_OPERATORS) : t.literal;
    case 'join':
      return swap ? pick(['&&', '||']) : t.literal;
    case 'identifier':
      return swap ? pick(IDENTIFIERS) : t.literal;
    case 'number':
      return swap ? String(Math.round((rand() - 0.5) * 1e4) / 100) : t.literal;
    case 'text':
      return `'${(swap ? pick(TEXTS) : t.literal).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    case 'group':
      return `(${retokenize(rand, t.literal)})`;
    case 'function':
      return `${t.literal}(${(t.args ?? []).map((a) => retoken(rand, a)).join(', ')})`;
    default:
      return t.kind === 'comment' ? `//${t.literal}\n` : t.literal;
  }
}

/** A valid filter with some operators, identifiers and literals swapped. */
function retokenize(rand: () => number, text: string): string {
  return tokenize(text).map((t) => retoken(rand, t)).join('');
}

const stats = { built: 0, rejected: 0 };

/** Builds with both resolvers; anything but success-and-valid-SQL or FilterError fails the test. */
function check(input: string): void {
  for (const resolver of [itemsResolver, permissive]) {
    let built;
    try {
      built = buildFilter(input, resolver, { now: () => new Date(0) });
    } catch (e) {
      if (e instanceof FilterError) {
        stats.rejected++;
        continue;
      }
      assert.fail(`${JSON.stringify(input)} threw ${String(e)}`);
    }
    stats.built++;
    try {
      db.prepare(`SELECT DISTINCT items.id FROM ${ITEMS_FROM} WHERE ${built.sql}`).all(...built.params);
    } catch (e) {
      assert.fail(`${JSON.stringify(input)} gave bad SQL ${built.sql}: ${String(e)}`);
    }
  }
}

describe('fuzzing', { timeout: 20_000 }, () => {
  it('mutated valid filters', () => {
    const rand = prng(42);
    for (let i = 0; i < 10_000; i++) {
      let s = SEED_FILTERS[Math.floor(rand() * SEED_FILTERS.length)];
      const depth = rand() < 0.5 ? 1 : 2 + Math.floor(rand() * 3);
      for (let d = 0; d < depth; d++) s = mutateFilter(rand, s);
      check(s);
    }
  });

  it('valid filters with swapped operators, identifiers and literals', () => {
    const rand = prng(1234);
    for (let i = 0; i < 3000; i++) check(retokenize(rand, SEED_FILTERS[i % SEED_FILTERS.length]));
  });

  it('random strings, control characters and unicode', () => {
    const rand = prng(7);
    for (let i = 0; i < 1500; i++) check(randomFilter(rand, 80));
    for (let i = 0; i < 300; i++) {
      let s = '';
      const n = Math.floor(rand() * 60);
      for (let j = 0; j < n; j++) s += String.fromCharCode(Math.floor(rand() * 0x80));
      check(s);
      check(`title = '${s}'`);
    }
    for (const ch of ['\0', '\x01', '\x1b', '\x7f', '\r', '\v', '\f', '\u00a0', '\u2028', '\ufeff', '\ud800', '\udfff', '😀']) {
      check(ch);
      check(`title = 'a${ch}b'`);
      check(`title = 1 ${ch}`);
      check(`title${ch} = 1`);
      check(`(title = 1 // ${ch}\n)`);
    }
  });

  it('pathological sizes and nesting', () => {
    const inputs = [
      '('.repeat(3500),
      ')'.repeat(3500),
      "'".repeat(3499),
      '"\\'.repeat(1000),
      '('.repeat(99) + 'title = 1' + ')'.repeat(99),
      '('.repeat(100) + 'title = 1' + ')'.repeat(100),
      '('.repeat(1745) + 'a=1' + ')'.repeat(1745),
      '('.repeat(1000) + "'" + ')'.repeat(1000),
      Array(700).fill('a=1').join('||'),
      Array(200).fill('tags:each = nums:each').join('&&').slice(0, 3500),
      Array(100).fill('(a=1 || (b=2').join(' && ') + ')'.repeat(200),
      'f(' .repeat(1000),
      'a(b(c(1))) = a(b(c(1)))',
      'strftime(' + Array(300).fill("'x'").join(',') + ') = 1',
      'x'.repeat(3500),
      '-'.repeat(3500),
      '/'.repeat(3500),
      '=' + ' '.repeat(3400) + '1',
      'a' + ':'.repeat(3000) + 'b = 1',
    ];
    const started = Date.now();
    for (const input of inputs) check(input);
    assert.ok(Date.now() - started < 2000, 'pathological inputs are slow');
    assert.throws(() => parseFilter('('.repeat(200) + 'a=1' + ')'.repeat(200)), /max nested groups depth reached/);
  });

  it('sort strings', () => {
    const rand = prng(99);
    for (let i = 0; i < 1000; i++) {
      const input = randomFilter(rand, 30).replace(/[()'"]/g, ',');
      try {
        const order = buildSort(input, itemsResolver);
        if (order !== '') db.prepare(`SELECT items.id FROM items ORDER BY ${order}`).all();
      } catch (e) {
        if (!(e instanceof FilterError)) assert.fail(`${JSON.stringify(input)} threw ${String(e)}`);
      }
    }
  });

  it('exercised both outcomes', (t) => {
    t.diagnostic(JSON.stringify(stats));
    assert.ok(stats.built > 2000, `built ${stats.built}`);
    assert.ok(stats.rejected > 5000, `rejected ${stats.rejected}`);
  });
});
