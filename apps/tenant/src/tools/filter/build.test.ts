import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FilterError } from './errors.js';
import { buildFilter, listIdentifiers, parseFilter, type FieldResolver, type ResolvedOperand } from './index.js';
import { likePattern } from './like.js';
import { quoteString } from './quote.js';

/** Like PocketBase's SimpleFieldResolver("test1", "test2", "test3", `^test4_\w+$`, `^test5\.[\w.:]*\w+$`). */
const simple: FieldResolver = {
  resolve(f: string): ResolvedOperand {
    if (/^(test1|test2|test3|test4_\w+)$/.test(f)) return { sql: `[${f}]`, params: [] };
    const json = /^test5\.([\w.:]*\w)$/.exec(f);
    if (json) return { sql: `JSON_EXTRACT([test5], '$.${json[1]}')`, params: [], noCoalesce: true };
    throw new FilterError(`failed to resolve field ${quoteString(f)}`);
  },
};

/** A resolver with multi-valued fields `m1`, `m2` (json_each subqueries) and a plain `s`. */
const multi: FieldResolver = {
  resolve(f: string): ResolvedOperand {
    if (f === 's') return { sql: '[s]', params: [] };
    if (f === 'm1' || f === 'm2') {
      return { sql: `[${f}_je].[value]`, params: [], multiMatch: { sql: `SELECT value AS multiMatchValue FROM json_each(?)`, params: [f] } };
    }
    if (f === 'j') return { sql: 'json_extract([j])', params: [], noCoalesce: true };
    throw new FilterError(`unknown field ${quoteString(f)}`);
  },
};

const NOW = new Date('2024-02-29T10:20:30.123Z');

/** PocketBase's TestFilterDataBuildExpr expectations, with `[[x]]` as `[x]` and named params as `?`. */
const POCKETBASE_SCENARIOS: [string, string, unknown[]][] = [
  ['test1 > 1', '[test1] > ?', [1]],
  ["'' = null && null != ''", "('' = '' AND '' IS NOT '')", []],
  ['test1 ~ test2', "[test1] LIKE ('%' || [test2] || '%') ESCAPE '\\'", []],
  ["'lorem' ~ test1", "? LIKE ('%' || [test1] || '%') ESCAPE '\\'", ['lorem']],
  ["test1 ~ 'lorem'", "[test1] LIKE ? ESCAPE '\\'", ['%lorem%']],
  ['test1 !~ test2', "[test1] NOT LIKE ('%' || [test2] || '%') ESCAPE '\\'", []],
  ["'lorem' !~ test1", "? NOT LIKE ('%' || [test1] || '%') ESCAPE '\\'", ['lorem']],
  ["test1 !~ 'lorem'", "[test1] NOT LIKE ? ESCAPE '\\'", ['%lorem%']],
  [
    'test5.a = test5.b || test5.c != test5.d',
    "(JSON_EXTRACT([test5], '$.a') IS JSON_EXTRACT([test5], '$.b') OR JSON_EXTRACT([test5], '$.c') IS NOT JSON_EXTRACT([test5], '$.d'))",
    [],
  ],
  [
    "((test1 > 1) || (test2 != 2)) && test3 ~ '%%example' && test4_sub = null",
    "(([test1] > ? OR [test2] IS NOT ?) AND [test3] LIKE ? ESCAPE '\\' AND ([test4_sub] = '' OR [test4_sub] IS NULL))",
    [1, 2, '%%example'],
  ],
  [
    'test1=true && test2 != false && null = test3 || null != test4_sub',
    "([test1] = 1 AND [test2] IS NOT 0 AND ('' = [test3] OR [test3] IS NULL) OR ('' IS NOT [test4_sub] AND [test4_sub] IS NOT NULL))",
    [],
  ],
  [
    "(test1 = test2 || test2 != test3) && (test2 ~ 'example' || test2 !~ '%%abc') && 'switch1%%' ~ test1 && 'switch2' !~ test2 && test3 > 1 && test3 >= 0 && test3 <= 4 && 2 < 5",
    "((COALESCE([test1], '') = COALESCE([test2], '') OR COALESCE([test2], '') IS NOT COALESCE([test3], '')) AND ([test2] LIKE ? ESCAPE '\\' OR [test2] NOT LIKE ? ESCAPE '\\') AND ? LIKE ('%' || [test1] || '%') ESCAPE '\\' AND ? NOT LIKE ('%' || [test2] || '%') ESCAPE '\\' AND [test3] > ? AND [test3] >= ? AND [test3] <= ? AND ? < ?)",
    ['%example%', '%%abc', 'switch1%%', 'switch2', 1, 0, 4, 2, 5],
  ],
  [
    'geoDistance(1,2,3,4) < 567',
    '(6371 * acos(cos(radians(?)) * cos(radians(?)) * cos(radians(?) - radians(?)) + sin(radians(?)) * sin(radians(?)))) < ?',
    [2, 4, 3, 1, 2, 4, 567],
  ],
];

describe('buildFilter: PocketBase scenarios', () => {
  for (const [filter, sql, params] of POCKETBASE_SCENARIOS) {
    it(filter.slice(0, 70), () => {
      assert.deepEqual(buildFilter(filter, simple), { sql, params });
    });
  }

  it('rejects what PocketBase rejects', () => {
    for (const [filter, message] of [
      ['', 'empty filter expression'],
      ['(test1 > 1', 'invalid formatted group - missing 1 closing bracket(s)'],
      ['test1 + 123', "unexpected character '+'"],
      ["test1 = 'example' && unknown > 1", 'invalid left operand "unknown" - failed to resolve field "unknown"'],
      ['test1 = unknown', 'invalid right operand "unknown" - failed to resolve field "unknown"'],
    ]) {
      assert.throws(() => buildFilter(filter, simple), { name: 'FilterError', message }, filter);
    }
  });

  it('counts comparisons against the expression limit like PocketBase', () => {
    const cases: [number, string, boolean][] = [
      [1, '1 = 1', true],
      [0, '1 = 1', false],
      [2, '1 = 1 || 1 = 1', true],
      [1, '1 = 1 || 1 = 1', false],
      [6, '(1=1 || 1=1) && (1=1 || (1=1 || 1=1)) && (1=1)', true],
      [5, '(1=1 || 1=1) && (1=1 || (1=1 || 1=1)) && (1=1)', false],
    ];
    for (const [limit, filter, ok] of cases) {
      const run = () => buildFilter(filter, simple, { maxExpressions: limit });
      if (ok) run();
      else assert.throws(run, { name: 'FilterError', message: 'max filter expressions limit reached' });
    }
    assert.throws(() => buildFilter(Array(201).fill('1=1').join('&&'), simple), /max filter expressions limit reached/);
    buildFilter(Array(200).fill('1=1').join('&&'), simple);
  });
});

describe('buildFilter: equality rules', () => {
  const cases: [string, string, unknown[]][] = [
    // a lone expression holding OR/AND is parenthesised once more, as PocketBase's concat does
    ["test1 = ''", "(([test1] = '' OR [test1] IS NULL))", []],
    ["'' != test1", "(('' IS NOT [test1] AND [test1] IS NOT NULL))", []],
    ["test1 = 'x'", '[test1] = ?', ['x']],
    ["test1 != 'x'", '[test1] IS NOT ?', ['x']],
    ["'' = 'x'", "'' = ?", ['x']],
    ['test1 = test2', "COALESCE([test1], '') = COALESCE([test2], '')", []],
    ['test1 = NULL', "(([test1] = '' OR [test1] IS NULL))", []],
    ['test1 = FALSE', '[test1] = 0', []],
    ['test5.a = null', 'JSON_EXTRACT([test5], \'$.a\') IS NULL', []],
    ["test5.a != ''", "JSON_EXTRACT([test5], '$.a') IS NOT ?", ['']],
    ["strftime('%Y', test1) = ''", "((strftime(?,[test1]) = '' OR strftime(?,[test1]) IS NULL))", ['%Y', '%Y']],
    ["strftime('%Y') = test1", "COALESCE(strftime(?), '') = COALESCE([test1], '')", ['%Y']],
    ["strftime('%Y', test1) = 'x'", 'strftime(?,[test1]) = ?', ['%Y', 'x']],
    ['test1 = 1.5', '[test1] = ?', [1.5]],
  ];
  for (const [filter, sql, params] of cases) {
    it(filter, () => assert.deepEqual(buildFilter(filter, simple), { sql, params }));
  }

  it('uses the constants null/true/false only when the resolver does not know the name', () => {
    const withTrueField: FieldResolver = {
      resolve: (f) => (f === 'true' || f === 'a' ? { sql: `[${f}]`, params: [] } : simple.resolve(f)),
    };
    assert.deepEqual(buildFilter('a = true', withTrueField), { sql: "COALESCE([a], '') = COALESCE([true], '')", params: [] });
    const emptyForUnknown: FieldResolver = { resolve: (f) => (f === 'a' ? { sql: '[a]', params: [] } : { sql: '', params: [] }) };
    assert.deepEqual(buildFilter('a = True', emptyForUnknown), { sql: '[a] = 1', params: [] });
    assert.throws(() => buildFilter('a = b', emptyForUnknown), { message: 'invalid right operand "b" - failed to resolve field "b"' });
  });

  it('lets non-FilterError resolver failures through unchanged', () => {
    const broken: FieldResolver = {
      resolve: () => {
        throw new TypeError('boom');
      },
    };
    assert.throws(() => buildFilter('a = 1', broken), TypeError);
    assert.throws(() => buildFilter('null = 1', broken), TypeError);
  });
});

describe('buildFilter: LIKE', () => {
  it('wraps and escapes like PocketBase (TestLikeParamsWrapping)', () => {
    const vectors: [string, string][] = [
      ['abc', '%abc%'],
      ['ab%c', 'ab%c'],
      ['ab\\%c', '%ab\\%c%'],
      ['%ab\\%c', '%ab\\%c'],
      ['ab\\\\%c', 'ab\\\\%c'],
      ['ab\\\\\\%c', '%ab\\\\\\%c%'],
      ['ab_c', '%ab\\_c%'],
      ['ab\\_c', '%ab\\_c%'],
      ['%ab_c', '%ab_c'],
      ['ab\\c', '%ab\\\\c%'],
      ['_ab\\c_', '%\\_ab\\\\c\\_%'],
      ['ab\\c%', 'ab\\c%'],
      ['a\nb\\', '%a\nb\\\\%'],
      ['a__b', '%a_\\_b%'],
    ];
    for (const [value, pattern] of vectors) assert.equal(likePattern(value), pattern, value);
  });

  it('renders non-text params as Go would before wrapping', () => {
    assert.equal(likePattern(1.5), '%1.5%');
    assert.equal(likePattern(1e21), '%1000000000000000000000%');
    assert.equal(likePattern(1e-7), '%0.0000001%');
    assert.equal(likePattern(-0), '%-0%');
    assert.equal(likePattern(7n), '%7%');
    assert.equal(likePattern(null), '%%');
  });

  it('wraps every param of a parameterised right operand', () => {
    const r: FieldResolver = { resolve: (f) => (f === 'p' ? { sql: 'LOWER(?)', params: ['A_b'] } : simple.resolve(f)) };
    assert.deepEqual(buildFilter('test1 ?~ p', r), { sql: "[test1] LIKE LOWER(?) ESCAPE '\\'", params: ['%A\\_b%'] });
    assert.deepEqual(buildFilter('p !~ test1', r), { sql: "LOWER(?) NOT LIKE ('%' || [test1] || '%') ESCAPE '\\'", params: ['A_b'] });
  });
});

describe('buildFilter: multi-valued operands', () => {
  const sub = 'SELECT value AS multiMatchValue FROM json_each(?)';

  it('adds a many-vs-one NOT EXISTS for non-? operators', () => {
    assert.deepEqual(buildFilter("m1 = 'x'", multi), {
      sql: `((([m1_je].[value] = ?) AND (NOT EXISTS (SELECT 1 FROM (${sub}) [__sm1] WHERE NOT ([__sm1].[multiMatchValue] = ?)))))`,
      params: ['x', 'm1', 'x'],
    });
  });

  it('puts the other operand first when the multi-valued one is on the right', () => {
    assert.deepEqual(buildFilter("'x' != m1", multi), {
      sql: `(((? IS NOT [m1_je].[value]) AND (NOT EXISTS (SELECT 1 FROM (${sub}) [__sm1] WHERE NOT (? IS NOT [__sm1].[multiMatchValue])))))`,
      params: ['x', 'm1', 'x'],
    });
  });

  it('adds a many-vs-many NOT EXISTS when both sides are multi-valued', () => {
    assert.deepEqual(buildFilter('m1 < m2', multi, { aliasPrefix: 'q' }), {
      sql:
        `((([m1_je].[value] < [m2_je].[value]) AND (NOT EXISTS (SELECT 1 FROM (${sub}) [__mlq1] LEFT JOIN (${sub}) [__mrq2] ` +
        'WHERE NOT ([__mlq1].[multiMatchValue] < [__mrq2].[multiMatchValue])))))',
      params: ['m1', 'm2'],
    });
  });

  it('skips the constraint for the any-of operators', () => {
    for (const op of ['?=', '?!=', '?~', '?!~', '?<', '?<=', '?>', '?>=']) {
      assert.doesNotMatch(buildFilter(`m1 ${op} 'x'`, multi).sql, /EXISTS/, op);
    }
  });

  it('keeps the json no-coalesce rule inside the subquery and resets the other side to auto', () => {
    const r = buildFilter("j = m1", multi);
    assert.equal(
      r.sql,
      `(((json_extract([j]) IS [m1_je].[value]) AND (NOT EXISTS (SELECT 1 FROM (${sub}) [__sm1] WHERE NOT (COALESCE(json_extract([j]), '') = COALESCE([__sm1].[multiMatchValue], ''))))))`,
    );
  });

  it('formats each value of a multi-valued strftime time value', () => {
    const r = buildFilter("strftime('%Y', m1, 'utc') = '2024'", multi);
    assert.equal(
      r.sql,
      '(((strftime(?,[m1_je].[value],?) = ?) AND (NOT EXISTS (SELECT 1 FROM (SELECT strftime(?,[__mmw1].[multiMatchValue],?) ' +
        `AS [multiMatchValue] FROM (${sub}) [__mmw1]) [__sm2] WHERE NOT ([__sm2].[multiMatchValue] = ?)))))`,
    );
    assert.deepEqual(r.params, ['%Y', 'utc', '2024', '%Y', 'utc', 'm1', '2024']);
  });

  it('applies afterBuild of both operands to the whole comparison', () => {
    const r: FieldResolver = {
      resolve: (f) => ({
        sql: `[${f}]`,
        params: [],
        afterBuild: (e) => ({ sql: `(${e.sql} AND [${f}_ok] = ?)`, params: [...e.params, f] }),
      }),
    };
    assert.deepEqual(buildFilter('a = b', r), {
      sql: "(((COALESCE([a], '') = COALESCE([b], '') AND [a_ok] = ?) AND [b_ok] = ?))",
      params: ['a', 'b'],
    });
  });
});

describe('buildFilter: macros and functions', () => {
  it('binds datetime macros from the injected clock', () => {
    const macros: [string, unknown][] = [
      ['@now', '2024-02-29 10:20:30.123Z'],
      ['@yesterday', '2024-02-28 10:20:30.123Z'],
      ['@tomorrow', '2024-03-01 10:20:30.123Z'],
      ['@second', 30n],
      ['@minute', 20n],
      ['@hour', 10n],
      ['@day', 29n],
      ['@month', 2n],
      ['@weekday', 4n],
      ['@year', 2024n],
      ['@todayStart', '2024-02-29 00:00:00.000Z'],
      ['@todayEnd', '2024-02-29 23:59:59.999Z'],
      ['@monthStart', '2024-02-01 00:00:00.000Z'],
      ['@monthEnd', '2024-02-29 23:59:59.999Z'],
      ['@yearStart', '2024-01-01 00:00:00.000Z'],
      ['@yearEnd', '2024-12-31 23:59:59.999Z'],
    ];
    for (const [macro, value] of macros) {
      assert.deepEqual(buildFilter(`test1 > ${macro}`, simple, { now: () => NOW }), { sql: '[test1] > ?', params: [value] }, macro);
    }
  });

  it('reads the clock once per build and treats unknown @names as identifiers', () => {
    let calls = 0;
    const now = () => (calls++, NOW);
    buildFilter('test1 > @now && test2 < @todayEnd && test3 = @hour', simple, { now });
    assert.equal(calls, 1);
    assert.throws(() => buildFilter('test1 = @NOW', simple), { message: 'invalid right operand "@NOW" - failed to resolve field "@NOW"' });
  });

  it('resolves function arguments through the resolver, macros and literals', () => {
    assert.deepEqual(buildFilter("strftime('%H', @now) = test1", simple, { now: () => NOW }), {
      sql: "COALESCE(strftime(?,?), '') = COALESCE([test1], '')",
      params: ['%H', '2024-02-29 10:20:30.123Z'],
    });
    assert.deepEqual(buildFilter('geoDistance(test1, test2, null, @hour) > 0', simple, { now: () => NOW }), {
      sql:
        '(6371 * acos(cos(radians([test2])) * cos(radians(?)) * cos(radians(NULL) - radians([test1])) + ' +
        'sin(radians([test2])) * sin(radians(?)))) > ?',
      params: [10n, 10n, 0],
    });
  });

  it('reports bad function calls like PocketBase', () => {
    const cases: [string, string][] = [
      ['geoDistance(1,2,3) < 1', 'invalid left operand "geoDistance" - [geoDistance] expected 4 arguments, got 3'],
      ["geoDistance(1,2,3,'4') < 1", 'invalid left operand "geoDistance" - [geoDistance] argument 3 must be an identifier or number'],
      ['geoDistance(1,x,3,4) < 1', 'invalid left operand "geoDistance" - [geoDistance] failed to resolve argument 1: failed to resolve field "x"'],
      ['1 < geoDistance(1,2,3,geoDistance(1,2,3,4))', 'invalid right operand "geoDistance" - [geoDistance] argument 3 must be an identifier or number'],
      ["strftime() = ''", 'invalid left operand "strftime" - [strftime] expected at least 1 arguments, got 0'],
      ["strftime(test1) = ''", 'invalid left operand "strftime" - [strftime] expects the first argument to be a format string'],
      ["strftime('%Y', strftime('%Y')) = ''", 'invalid left operand "strftime" - [strftime] expects the second argument to be of a valid time-value type'],
      ["strftime('%Y', test1, 1) = ''", 'invalid left operand "strftime" - [strftime] invalid modifier argument 0 - can be only string'],
      ["strftime('%Y', x) = ''", 'invalid left operand "strftime" - [strftime] failed to resolve time-value argument: failed to resolve field "x"'],
      [`strftime('a','b','c','d','e','f','g','h','i','j','k') = ''`, 'invalid left operand "strftime" - [strftime] too many arguments (max allowed 10, got 11)'],
      ['nope(1) = 1', 'invalid left operand "nope" - unknown function "nope"'],
      ['Strftime(1) = 1', 'invalid left operand "Strftime" - unknown function "Strftime"'],
      ['toString(1) = 1', 'invalid left operand "toString" - unknown function "toString"'],
    ];
    for (const [filter, message] of cases) assert.throws(() => buildFilter(filter, simple), { name: 'FilterError', message }, filter);
  });
});

describe('parseFilter / buildFilter limits and input hygiene', () => {
  it('enforces the length limit in UTF-8 bytes', () => {
    const pad = (n: number) => `test1 = '${'x'.repeat(n - 10)}'`;
    assert.equal(pad(3500).length, 3500);
    buildFilter(pad(3500), simple);
    assert.throws(() => buildFilter(pad(3501), simple), { message: 'max filter length limit reached' });
    assert.throws(() => parseFilter(`test1 = '${'é'.repeat(1746)}'`), { message: 'max filter length limit reached' });
    parseFilter(pad(10_000), { maxLength: Infinity });
  });

  it('refuses NUL characters and replaces lone surrogates', () => {
    assert.throws(() => parseFilter('test1 = 1\0\0 junk'), { message: "unexpected character '\\x00'" });
    assert.deepEqual(buildFilter("test1 = '\ud800'", simple).params, ['\ufffd']);
  });

  it('accepts an AST and lists its identifiers', () => {
    const ast = parseFilter("a = @now && (b.c:each ?= geoDistance(x, y, 1, z) || @request.auth.id != '') && a = 'a'");
    assert.deepEqual(listIdentifiers(ast), ['a', '@now', 'b.c:each', 'x', 'y', 'z', '@request.auth.id']);
    assert.deepEqual(buildFilter(parseFilter('test1 = 1'), simple), { sql: '[test1] = ?', params: [1] });
  });

  it('wraps only when needed', () => {
    assert.equal(buildFilter('((test1 = 1))', simple).sql, '[test1] = ?');
    assert.equal(buildFilter('(test1 = 1 && test2 = 2)', simple).sql, '(([test1] = ? AND [test2] = ?))');
  });
});
