import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { buildFilter, buildSort } from './index.js';
import { ITEMS_FROM, ITEMS_SCHEMA, itemsResolver } from './test_support.js';

const NOW = new Date('2024-02-10T10:20:30.123Z'); // a Saturday

const db = new Database(':memory:');
db.exec(ITEMS_SCHEMA);
const insert = db.prepare(
  'INSERT INTO items (id, title, num, created, lon, lat, tags, nums, data, email, emailVisibility) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
);
for (const row of [
  ['a', 'abc', 1, '2024-02-10 08:00:00.000Z', 23.32, 42.69, '["x","y"]', '[1,2]', '{"a":1,"b":"x"}', 'a@x', 1],
  ['b', '', 0, '2024-02-09 10:00:00.000Z', 24.75, 42.14, '["x"]', '[3]', '{"a":2}', 'b@x', 0],
  ['c', null, null, null, null, null, '[]', '[]', null, null, 0],
  ['d', 'ABC%d', 5.5, '2023-12-31 23:59:59.999Z', -0.12, 51.5, '["y","z"]', '[1]', '{"b":null}', '', 1],
  ['e', 'a_c', -2, '2024-02-10 10:20:30.123Z', 2.35, 48.85, '["x","x"]', '[1,1]', 'null', 'e@x', 1],
]) {
  insert.run(...row);
}
after(() => db.close());

/** Ids of the rows a filter selects, through the same query shape PocketBase uses (joins + DISTINCT). */
function select(filter: string): string[] {
  const { sql, params } = buildFilter(filter, itemsResolver, { now: () => NOW });
  const rows = db.prepare(`SELECT DISTINCT items.id FROM ${ITEMS_FROM} WHERE ${sql} ORDER BY items.id`).all(...params);
  return rows.map((r) => (r as { id: string }).id);
}

const CASES: [string, string[]][] = [
  // equality with null / empty
  ["title = ''", ['b', 'c']],
  ['title = null', ['b', 'c']],
  ["title != ''", ['a', 'd', 'e']],
  ['null != title', ['a', 'd', 'e']],
  ["title = 'abc'", ['a']],
  ["title != 'abc'", ['b', 'c', 'd', 'e']],
  ['num != 1', ['b', 'c', 'd', 'e']],
  ['num = 0', ['b']],
  ['title = 1', []], // text column vs a REAL param: '1.0' never equals '1', as in PocketBase
  ['title = num', ['c']],
  ["@request.auth.id = ''", ['a', 'b', 'c', 'd', 'e']],
  ["@request.auth.id != ''", []],
  ['@request.body.empty = title', ['b', 'c']],
  ['@request.body.title:isset = true', ['a', 'b', 'c', 'd', 'e']],
  // comparisons
  ['num > 1', ['d']],
  ['num >= -2 && num < 1', ['b', 'e']],
  ['num < 1 || num > 5 && title ~ "d"', ['b', 'd', 'e']],
  ['(num < 1 || num > 5) && title ~ "d"', ['d']],
  // LIKE
  ["title ~ 'abc'", ['a', 'd']],
  ["title ~ 'a_c'", ['e']],
  ["title ~ 'a%'", ['a', 'd', 'e']],
  ["title ~ 'C\\%'", ['d']],
  ["title !~ 'b'", ['b', 'e']],
  ["'xx abc yy' ~ title", ['a', 'b', 'e']], // a column pattern is not escaped: 'a_c' matches 'abc'
  ['title ~ @request.body.x:lower', ['a', 'd']],
  // json
  ['data.a = 1', ['a']],
  ['data.b = null', ['b', 'c', 'd', 'e']],
  ['data = null', ['c', 'e']],
  // multi-valued: plain operators need every value, ? operators any
  ["tags:each ?= 'x'", ['a', 'b', 'e']],
  ["tags:each = 'x'", ['b', 'e']],
  ["'x' = tags:each", ['b', 'e']],
  ["tags:each != 'x'", ['c', 'd']],
  ["tags:each ?!= 'x'", ['a', 'c', 'd']],
  ['nums:each > 0', ['a', 'b', 'd', 'e']],
  ['nums:each ?> 1', ['a', 'b']],
  ['2 > nums:each', ['d', 'e']],
  ["tags:each ~ 'x'", ['b', 'e']],
  ["tags:each ~ 'y'", []],
  ["tags:each ?~ 'y'", ['a', 'd']],
  ['tags:each != nums:each', ['a', 'b', 'd', 'e']],
  ['nums:each = nums:each', ['b', 'c', 'd', 'e']],
  ['tags:length = 0', ['c']],
  ['tags:length >= 2', ['a', 'd', 'e']],
  // afterBuild: email only matches where it is visible
  ["email ~ '@x'", ['a', 'e']],
  // datetime macros with a fixed clock
  ['created >= @todayStart && created <= @todayEnd', ['a', 'e']],
  ['created < @yesterday', ['b', 'd']],
  ['created = @now', ['e']],
  ['created >= @monthStart && created <= @monthEnd', ['a', 'b', 'e']],
  ['created < @yearStart', ['d']],
  ['created > @yearEnd', []],
  ['created > @tomorrow', []],
  ['@hour = 10 && @minute = 20 && @second = 30 && @day = 10 && @month = 2 && @year = 2024 && @weekday = 6 && id = "a"', ['a']],
  ["strftime('%d', created) = strftime('%d', @now)", ['a', 'e']],
  // geoDistance (km, haversine): Sofia -> Plovdiv is about 130 km
  ['geoDistance(lon, lat, 23.32, 42.69) < 200', ['a', 'b']],
  ['geoDistance(lon, lat, 23.32, 42.69) > 1500', ['d', 'e']],
  // strftime
  ["strftime('%Y-%m', created) = '2024-02'", ['a', 'b', 'e']],
  ["strftime('%Y', created, '+1 minute') = '2024'", ['a', 'b', 'd', 'e']],
  ["strftime('%Y', created) = ''", ['c']],
  ["strftime('%s', nums:each, 'unixepoch') = '1'", ['d', 'e']],
  ["strftime('%s', nums:each, 'unixepoch') ?= '1'", ['a', 'd', 'e']],
];

describe('buildFilter against SQLite', () => {
  for (const [filter, ids] of CASES) {
    it(filter, () => assert.deepEqual(select(filter), ids));
  }

  it('computes geoDistance in kilometres', () => {
    const { sql, params } = buildFilter('geoDistance(lon, lat, 24.75, 42.14) < 10000', itemsResolver);
    const distance = sql.replace(/ < \?$/, '');
    const row = db.prepare(`SELECT ${distance} AS km FROM items WHERE id = 'a'`).get(...params.slice(0, -1)) as { km: number };
    assert.ok(row.km > 125 && row.km < 135, String(row.km));
  });

  it('orders rows with buildSort', () => {
    const order = buildSort('-num,@rowid', itemsResolver, { rowidTable: 'items' });
    assert.equal(order, 'items.num DESC, "items".[_rowid_] ASC');
    const rows = db.prepare(`SELECT items.id FROM items ORDER BY ${order}`).all() as { id: string }[];
    assert.deepEqual(rows.map((r) => r.id), ['d', 'a', 'b', 'e', 'c']);
  });
});
