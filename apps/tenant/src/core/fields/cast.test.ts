import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFloatF, formatFloatG, parseGoFloat, toGoBool, toGoFloat, toGoString, toUniqueStringSlice } from './cast.js';
import { goJsonMarshal } from './go_json.js';
import { goStrconvQuote } from './go_quote.js';

// Expected values come from Go's strconv/fmt and from PocketBase v0.39.11 responses.
describe('Go float formatting', () => {
  const cases: Array<[number, string, string]> = [
    [0, '0', '0'], [1.5, '1.5', '1.5'], [1e6, '1000000', '1e+06'], [123456, '123456', '123456'],
    [1234567, '1234567', '1.234567e+06'], [1e21, '1000000000000000000000', '1e+21'], [1.5e-7, '0.00000015', '1.5e-07'],
    [0.0001, '0.0001', '0.0001'], [0.00001, '0.00001', '1e-05'], [12345678901234567890, '12345678901234567000', '1.2345678901234567e+19'],
  ];
  for (const [n, f, g] of cases) {
    it(String(n), () => {
      assert.equal(formatFloatF(n), f);
      assert.equal(formatFloatG(n), g);
    });
  }
});

describe('parseGoFloat (strconv.ParseFloat)', () => {
  const cases: Array<[string, number | undefined]> = [
    ['12', 12], ['1e3', 1000], ['1_000', 1000], ['1_000.5', 1000.5], ['+5', 5], ['.5', 0.5], ['5.', 5], ['0x1p4', 16],
    ['0x1.8p1', 3], ['Inf', Infinity], ['-infinity', -Infinity], ['', undefined], [' 5 ', undefined], ['abc', undefined],
    ['0x10', undefined], ['_1', undefined], ['1__0', undefined], ['1_', undefined], ['1e400', undefined], ['0b1', undefined],
  ];
  for (const [s, expected] of cases) it(JSON.stringify(s), () => assert.equal(parseGoFloat(s), expected));
  it('NaN', () => assert.ok(Number.isNaN(parseGoFloat('NaN') as number)));
});

describe('cast', () => {
  it('toGoFloat matches PocketBase number input casting', () => {
    const cases: Array<[unknown, number]> = [
      ['12', 12], ['', 0], [' 5 ', 0], ['abc', 0], ['1e3', 1000], ['0x10', 0], [true, 1], [false, 0], [null, 0], [[1], 0], [{ a: 1 }, 0],
    ];
    for (const [input, expected] of cases) assert.equal(toGoFloat(input), expected, JSON.stringify(input));
  });

  it('toGoBool follows strconv.ParseBool ("on"/"yes" are false)', () => {
    const truthy = ['true', '1', 't', 'T', 'TRUE', 'True', 1, 2, 0.5, true];
    const falsy = ['on', 'yes', 'tRue', '0', 'false', '', 0, null, [1], { a: 1 }, false];
    for (const v of truthy) assert.equal(toGoBool(v), true, JSON.stringify(v));
    for (const v of falsy) assert.equal(toGoBool(v), false, JSON.stringify(v));
  });

  it('toGoString never uses exponents and voids non-scalars', () => {
    const cases: Array<[unknown, string]> = [[12, '12'], [1.5, '1.5'], [1e21, '1000000000000000000000'], [1e-7, '0.0000001'],
      [true, 'true'], [null, ''], [[1, 2], ''], [{ a: 1 }, ''], [' x ', ' x ']];
    for (const [input, expected] of cases) assert.equal(toGoString(input), expected, JSON.stringify(input));
  });

  it('toUniqueStringSlice mirrors list.ToUniqueStringSlice', () => {
    const cases: Array<[unknown, string[]]> = [
      ['a', ['a']], [['a', 'b'], ['a', 'b']], ['["a","b"]', ['a', 'b']], ['[bad', ['[bad']], [['b', 'a', 'b'], ['b', 'a']],
      ['', []], [null, []], [1, ['1']], [[1, 'a'], ['1', 'a']], [[null, 'a'], ['a']], [[['a']], []], [[{ a: 1 }], []],
      [true, ['true']], ['a b', ['a b']], ['["a", 1]', ['a', '["a", 1]']], ['[]', []], ['a,b', ['a,b']], [{ a: 1 }, []],
      ['{"a":[1]}', ['{"a":[1]}']], ['null', ['null']],
    ];
    for (const [input, expected] of cases) assert.deepEqual(toUniqueStringSlice(input), expected, JSON.stringify(input));
  });
});

describe('Go JSON and quoting', () => {
  it('marshals decoded JSON like Go: sorted keys, HTML escaped', () => {
    assert.equal(goJsonMarshal({ z: 1, a: { y: 1, b: 2 } }), '{"a":{"b":2,"y":1},"z":1}');
    assert.equal(goJsonMarshal({ b: '<x>&' }), '{"b":"\\u003cx\\u003e\\u0026"}');
    assert.equal(goJsonMarshal({ 10: 1, 9: 2 }), '{"10":1,"9":2}');
    assert.equal(goJsonMarshal([1, 'a', null, true]), '[1,"a",null,true]');
  });

  it('quotes like strconv.Quote', () => {
    assert.equal(goStrconvQuote('abc'), '"abc"');
    assert.equal(goStrconvQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goStrconvQuote('\n\t\u0001\u007f'), '"\\n\\t\\x01\\x7f"');
    assert.equal(goStrconvQuote('é\u00a0'), '"é\\u00a0"');
  });
});
