import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonField } from '../collection_model.js';
import { jsonField as h, type JsonRaw } from './field_json.js';
import { optionsCtx, sqliteDefault, sqliteRoundTrip, valueCtx } from './test_helpers.js';

const field = (o: Partial<JsonField> = {}): JsonField => ({ ...h.defaults('j'), ...o });

describe('json field', () => {
  it('defaults match PocketBase', () => {
    assert.equal(JSON.stringify(h.defaults('j')),
      '{"help":"","hidden":false,"id":"json2137352139","maxSize":0,"name":"j","presentable":false,"required":false,"system":false,"type":"json"}');
  });

  it('options', () => {
    assert.equal(h.normalizeOptions({ name: 'j', maxSize: '10' }).ok, false);
    assert.deepEqual(h.validateOptions(field({ maxSize: -5 }), optionsCtx([])), {
      maxSize: { code: 'validation_min_greater_equal_than_required', message: 'Must be no less than 0.', params: { threshold: 0 } },
    });
  });

  it('prepare keeps JSON-looking text raw and quotes other text (verified on PocketBase)', () => {
    const cases: Array<[unknown, JsonRaw]> = [
      ['', '""'], ['null', 'null'], ['true', 'true'], ['abc', '"abc"'], ['12', '12'], ['-1.5e3', '-1.5e3'], ['"q"', '"q"'],
      ['[1,2]', '[1,2]'], ['{"b":1,  "a":[1]}', '{"b":1,  "a":[1]}'], ['{bad', '"{bad"'], ['  {"a":1}', '"  {\\"a\\":1}"'],
      ['1 2', '"1 2"'], ['12345678901234567890', '12345678901234567890'], ['<b>&', '"<b>&"'],
      [12, '12'], [1.5, '1.5'], [true, 'true'], [null, null], [undefined, null], [[1, 'a'], '[1,"a"]'],
      [{ z: 1, a: { y: 1, b: 2 } }, '{"a":{"b":2,"y":1},"z":1}'], [{ b: '<x>' }, '{"b":"\\u003cx\\u003e"}'],
      ['a\u0001b', '"a\\x01b"'], ['tab\there', '"tab\\there"'],
    ];
    for (const [input, expected] of cases) assert.equal(h.prepare(field(), input), expected, JSON.stringify(input));
    assert.equal(h.modify(field(), null, 'append', 1), undefined);
  });

  it('validateValue (verified on PocketBase)', () => {
    const v = (f: JsonField, raw: JsonRaw): unknown => h.validateValue(f, raw, valueCtx());
    const small = field({ maxSize: 10 });
    const tooBig = { code: 'validation_json_size_limit', message: 'The maximum allowed JSON size is 10 bytes.', params: { maxSize: 10 } };
    assert.deepEqual(v(small, h.prepare(small, '12345678901')), tooBig);
    assert.deepEqual(v(small, h.prepare(small, [1, 2, 3, 4, 5])), tooBig);
    assert.equal(v(small, h.prepare(small, '"abcdefgh"')), null);
    assert.deepEqual(v(small, h.prepare(small, '"abcdefghi"')), tooBig);
    // Go's strconv.Quote output for control characters is not valid JSON.
    assert.deepEqual(v(field(), h.prepare(field(), 'a\u0001b')), { code: 'validation_invalid_json', message: 'Must be a valid json value.' });
    const required = field({ required: true });
    for (const input of ['[]', '{}', '""', 'null', {}, [], null, '']) {
      assert.deepEqual(v(required, h.prepare(required, input)), { code: 'validation_required', message: 'Cannot be blank.' }, JSON.stringify(input));
    }
    for (const input of [' [] ', '0', 'false', 0]) assert.equal(v(required, h.prepare(required, input)), null, JSON.stringify(input));
  });

  it('column, SQLite round trip and API JSON', () => {
    assert.equal(h.columnDefinition(field()), 'JSON DEFAULT NULL');
    assert.equal(sqliteDefault(h, field()), null);
    assert.deepEqual(sqliteRoundTrip(h, field(), '{"a":[1,2.5],"b":"\\u003cx\\u003e"}'),
      { stored: '{"a":[1,2.5],"b":"\\u003cx\\u003e"}', back: '{"a":[1,2.5],"b":"\\u003cx\\u003e"}' });
    assert.deepEqual(sqliteRoundTrip(h, field(), null), { stored: null, back: null });
    // NUMERIC affinity: numeric text comes back as a number, re-marshalled.
    assert.deepEqual(sqliteRoundTrip(h, field(), '12'), { stored: 12, back: '12' });
    assert.deepEqual(sqliteRoundTrip(h, field(), '"x"'), { stored: '"x"', back: '"x"' });
    assert.deepEqual(h.toJSON(field(), '{"b":1,  "a":[1]}'), { b: 1, a: [1] });
    assert.equal(h.toJSON(field(), null), null);
    assert.equal(h.toJSON(field(), '"abc"'), 'abc');
    assert.equal(h.fromDb(field(), 'not json'), '"not json"');
  });
});
