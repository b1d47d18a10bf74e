import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NumberField } from '../collection_model.js';
import { numberField as h } from './field_number.js';
import { optionsCtx, sqliteDefault, sqliteRoundTrip, valueCtx } from './test_helpers.js';

const field = (o: Partial<NumberField> = {}): NumberField => ({ ...h.defaults('n'), ...o });

describe('number field', () => {
  it('defaults match PocketBase', () => {
    assert.equal(JSON.stringify(h.defaults('n')),
      '{"help":"","hidden":false,"id":"number2013832146","max":null,"min":null,"name":"n","onlyInt":false,"presentable":false,"required":false,"system":false,"type":"number"}');
  });

  it('normalizeOptions: null bounds stay null, strings are a format error', () => {
    const ok = h.normalizeOptions({ name: 'n', min: null, max: 2.5 });
    assert.ok(ok.ok && ok.field.min === null && ok.field.max === 2.5);
    assert.equal(h.normalizeOptions({ name: 'n', max: '3' }).ok, false);
    assert.equal(h.normalizeOptions({ name: 'n', onlyInt: 1 }).ok, false);
  });

  it('validateOptions (verified on PocketBase)', () => {
    const codes = (o: Partial<NumberField>): Record<string, unknown> => h.validateOptions(field(o), optionsCtx([]));
    assert.deepEqual(codes({ min: 5, max: 3 }), {
      max: { code: 'validation_min_number_constraint', message: 'Must be greater or equal than 5.', params: { min: 5 } },
    });
    assert.deepEqual(codes({ min: 1000000, max: 3 }).max, {
      code: 'validation_min_number_constraint', message: 'Must be greater or equal than 1e+06.', params: { min: 1000000 },
    });
    const onlyInt = codes({ min: 1.5, max: 2.5, onlyInt: true });
    assert.deepEqual(onlyInt.min, { code: 'validation_only_int_constraint', message: 'Decimal numbers are not allowed.' });
    assert.deepEqual(onlyInt.max, { code: 'validation_only_int_constraint', message: 'Decimal numbers are not allowed.' });
    assert.deepEqual(codes({ min: 1, max: 1 }), {});
  });

  it('prepare casts like cast.ToFloat64 (verified on PocketBase)', () => {
    const cases: Array<[unknown, number]> = [
      ['12', 12], ['', 0], [' 5 ', 0], ['abc', 0], ['1e3', 1000], ['0x10', 0], ['1_000', 1000], [true, 1], [false, 0], [null, 0],
      [[1], 0], [{ a: 1 }, 0], [1e300, 1e300], ['+5', 5], ['.5', 0.5], ['5.', 5], ['1e400', 0], ['0x1p4', 16], ['1.5e-7', 1.5e-7],
    ];
    for (const [input, expected] of cases) assert.equal(h.prepare(field(), input), expected, JSON.stringify(input));
    assert.equal(h.prepare(field(), 'Inf'), Infinity);
  });

  it('modify: n+ adds, n- subtracts, non-numbers count as 0 (verified on PocketBase)', () => {
    assert.equal(h.modify(field(), 5, 'append', 2), 7);
    assert.equal(h.modify(field(), 7, 'subtract', '1.5'), 5.5);
    assert.equal(h.modify(field(), 5.5, 'append', 'abc'), 5.5);
    assert.equal(h.modify(field(), 5, 'prepend', 1), undefined);
  });

  it('validateValue (verified on PocketBase)', () => {
    const v = (o: Partial<NumberField>, n: number): unknown => h.validateValue(field(o), n, valueCtx());
    assert.deepEqual(v({}, Infinity), { code: 'validation_not_a_number', message: 'The submitted number is not properly formatted.' });
    assert.equal((v({}, NaN) as { code: string }).code, 'validation_not_a_number');
    const bounded = { min: 2, max: 10, onlyInt: true };
    assert.deepEqual(v(bounded, 1), { code: 'validation_min_number_constraint', message: 'Must be greater or equal than 2.', params: { min: 2 } });
    assert.deepEqual(v(bounded, 2.5), { code: 'validation_only_int_constraint', message: 'Decimal numbers are not allowed.' });
    assert.deepEqual(v(bounded, 11), { code: 'validation_max_number_constraint', message: 'Must be less or equal than 10.', params: { max: 10 } });
    assert.equal(v(bounded, 0), null); // zero skips every check
    assert.deepEqual(v({ min: 1.5, max: 10.5 }, 10.6), {
      code: 'validation_max_number_constraint', message: 'Must be less or equal than 10.5.', params: { max: 10.5 },
    });
    assert.equal((v({ min: 1000000 }, 5) as { message: string }).message, 'Must be greater or equal than 1e+06.');
    assert.deepEqual(v({ required: true }, 0), { code: 'validation_required', message: 'Cannot be blank.' });
  });

  it('column and SQLite round trip', () => {
    assert.equal(h.columnDefinition(field()), 'NUMERIC DEFAULT 0 NOT NULL');
    assert.deepEqual(sqliteRoundTrip(h, field(), 12.5), { stored: 12.5, back: 12.5 });
    assert.deepEqual(sqliteRoundTrip(h, field(), -0), { stored: 0, back: 0 });
    assert.equal(sqliteDefault(h, field()), 0);
    assert.equal(h.fromDb(field(), '7'), 7);
    assert.equal(h.fromDb(field(), null), 0);
    assert.equal(h.fromDb(field(), 3n), 3);
    assert.equal(h.toJSON(field(), 1.5), 1.5);
  });
});
