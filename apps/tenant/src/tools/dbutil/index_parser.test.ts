import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIndex, renderIndex } from './index_parser.js';

test('parseIndex reads names, columns, collation, sort and where', () => {
  const cases: Array<[string, Partial<ReturnType<typeof parseIndex>> | undefined]> = [
    ['CREATE INDEX idx_a ON posts (title)', { indexName: 'idx_a', tableName: 'posts', unique: false }],
    ['CREATE UNIQUE INDEX `idx_b` ON `posts` (`a` COLLATE NOCASE, b DESC) WHERE b != \'\'', { indexName: 'idx_b', unique: true, where: "b != ''" }],
    ['create index if not exists x on t (a);', { indexName: 'x', optional: true }],
    ['CREATE INDEX idx ON t (a); DROP TABLE t', undefined],
    ['DROP TABLE t', undefined],
    ['CREATE INDEX idx ON t ()', undefined],
    ["CREATE INDEX idx ON t (a) WHERE a != '' -- '\n; CREATE TABLE pwned(x); -- '", undefined],
    ['CREATE INDEX idx ON t (a) /* x */', undefined],
    ["CREATE INDEX idx ON t (a) WHERE a = ';'", { where: "a = ';'" }],
  ];
  for (const [sql, want] of cases) {
    const got = parseIndex(sql);
    if (want === undefined) {
      assert.equal(got, undefined, sql);
      continue;
    }
    assert.ok(got, sql);
    for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k as keyof typeof got], v, `${sql}: ${k}`);
  }
  const def = parseIndex('CREATE UNIQUE INDEX `idx_b` ON `posts` (`a` COLLATE NOCASE, b DESC)');
  assert.ok(def);
  assert.deepEqual(def.columns, [{ name: 'a', collate: 'NOCASE', sort: '' }, { name: 'b', collate: '', sort: 'DESC' }]);
  assert.equal(renderIndex(def, 'articles'), 'CREATE UNIQUE INDEX `idx_b` ON `articles` (`a` COLLATE NOCASE, `b` DESC)');
});
