import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SelectField } from '../collection_model.js';
import { selectField as h } from './field_select.js';
import { optionsCtx, sqliteDefault, sqliteRoundTrip, valueCtx } from './test_helpers.js';

const single = (o: Partial<SelectField> = {}): SelectField => ({ ...h.defaults('s'), values: ['a', 'b', 'c'], ...o });
const multi = (o: Partial<SelectField> = {}): SelectField => single({ name: 'sm', maxSelect: 2, ...o });

describe('select field', () => {
  it('defaults match PocketBase', () => {
    assert.equal(JSON.stringify({ ...h.defaults('s'), values: ['a', 'b'] }),
      '{"help":"","hidden":false,"id":"select453955339","maxSelect":0,"name":"s","presentable":false,"required":false,"system":false,"type":"select","values":["a","b"]}');
  });

  it('normalizeOptions', () => {
    assert.equal(h.normalizeOptions({ name: 's', values: 'a' }).ok, false); // verified on PocketBase
    const r = h.normalizeOptions({ name: 's', values: null });
    assert.ok(r.ok);
    assert.deepEqual(r.field.values, []);
  });

  it('validateOptions (verified on PocketBase)', () => {
    const v = (o: Partial<SelectField>): unknown => h.validateOptions(single(o), optionsCtx([]));
    assert.deepEqual(v({ values: [] }), { values: { code: 'validation_required', message: 'Cannot be blank.' } });
    assert.deepEqual(v({ values: ['a', 'a'] }), {}); // duplicates are accepted
    assert.deepEqual(v({ values: ['a', ''], maxSelect: 3 }), {
      maxSelect: { code: 'validation_max_less_equal_than_required', message: 'Must be no greater than 2.', params: { threshold: 2 } },
    });
    assert.deepEqual(v({ maxSelect: -1 }), {
      maxSelect: { code: 'validation_min_greater_equal_than_required', message: 'Must be no less than 0.', params: { threshold: 0 } },
    });
  });

  it('prepare (verified on PocketBase)', () => {
    const cases: Array<[unknown, unknown, unknown]> = [
      // input, single value, multi value
      ['a', 'a', ['a']],
      [['a', 'b'], 'b', ['a', 'b']],
      ['["a","b"]', 'b', ['a', 'b']],
      [['b', 'a', 'b'], 'a', ['b', 'a']],
      ['', '', []],
      [null, '', []],
      [1, '1', ['1']],
      [[1, 'a'], 'a', ['1', 'a']],
      [[null, 'a'], 'a', ['a']],
      [[['a']], '', []],
      [['', 'a'], 'a', ['a']],
      ['[]', '', []],
      ['a,b', 'a,b', ['a,b']],
    ];
    for (const [input, s, m] of cases) {
      assert.deepEqual(h.prepare(single(), input), s, `single ${JSON.stringify(input)}`);
      assert.deepEqual(h.prepare(multi(), input), m, `multi ${JSON.stringify(input)}`);
    }
  });

  it('modify (verified on PocketBase)', () => {
    assert.deepEqual(h.modify(multi(), ['a'], 'append', 'b'), ['a', 'b']);
    assert.deepEqual(h.modify(multi(), ['a', 'b'], 'prepend', 'c'), ['c', 'a', 'b']);
    assert.deepEqual(h.modify(multi(), ['a', 'b'], 'subtract', 'a'), ['b']);
    assert.deepEqual(h.modify(multi(), ['b'], 'append', ['a', 'b']), ['b', 'a']);
    assert.deepEqual(h.modify(multi(), ['b', 'a'], 'subtract', ['b', 'c']), ['a']);
    assert.equal(h.modify(single(), 'a', 'append', 'b'), 'b');
    assert.equal(h.modify(single(), 'b', 'prepend', 'c'), 'b');
    assert.equal(h.modify(single(), 'b', 'subtract', 'zz'), 'b');
    assert.equal(h.modify(single(), 'b', 'autogenerate', 'x'), undefined);
  });

  it('validateValue (verified on PocketBase)', () => {
    const v = (f: SelectField, value: string | string[]): unknown => h.validateValue(f, value, valueCtx());
    assert.deepEqual(v(multi(), ['a', 'b', 'c']), { code: 'validation_too_many_values', message: 'Select no more than 2.', params: { maxSelect: 2 } });
    assert.deepEqual(v(multi(), ['a', 'x']), { code: 'validation_invalid_value', message: 'Invalid value x.', params: { value: 'x' } });
    assert.deepEqual(v(single(), '[bad'), { code: 'validation_invalid_value', message: 'Invalid value [bad.', params: { value: '[bad' } });
    // A single value that still looks like an array is re-split, as PocketBase does.
    assert.deepEqual(v(single(), h.prepare(single(), '["a", 1]') as string), {
      code: 'validation_too_many_values', message: 'Select no more than 1.', params: { maxSelect: 1 },
    });
    assert.equal(v(single(), 'a'), null);
    assert.equal(v(single(), ''), null);
    assert.deepEqual(v(single({ required: true }), ''), { code: 'validation_required', message: 'Cannot be blank.' });
    assert.equal((v(multi({ required: true }), []) as { code: string }).code, 'validation_required');
  });

  it('columns, stored forms and API JSON (verified against PocketBase DDL and rows)', () => {
    assert.equal(h.columnDefinition(single()), "TEXT DEFAULT '' NOT NULL");
    assert.equal(h.columnDefinition(multi()), "JSON DEFAULT '[]' NOT NULL");
    assert.deepEqual(sqliteRoundTrip(h, multi(), ['a', 'b']), { stored: '["a","b"]', back: ['a', 'b'] });
    assert.deepEqual(sqliteRoundTrip(h, single(), 'a'), { stored: 'a', back: 'a' });
    assert.equal(sqliteDefault(h, multi()), '[]');
    assert.deepEqual(h.fromDb(multi(), 'not json'), ['not json']);
    assert.deepEqual(h.toJSON(multi(), ['a']), ['a']);
    assert.equal(h.toJSON(single(), ''), '');
    assert.deepEqual(h.zeroValue(multi()), []);
  });
});
