import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DateField } from '../collection_model.js';
import { dateField as h } from './field_date.js';
import { optionsCtx, sqliteRoundTrip, valueCtx } from './test_helpers.js';

const field = (o: Partial<DateField> = {}): DateField => ({ ...h.defaults('d'), ...o });

describe('date field', () => {
  it('defaults match PocketBase', () => {
    assert.equal(JSON.stringify(h.defaults('d')),
      '{"help":"","hidden":false,"id":"date2564639436","max":"","min":"","name":"d","presentable":false,"required":false,"system":false,"type":"date"}');
  });

  it('normalizeOptions parses bounds; unparsable text is "" but numbers are a format error (verified on PocketBase)', () => {
    const r = h.normalizeOptions({ name: 'd', min: '2024-01-02', max: 'bad' });
    assert.ok(r.ok);
    assert.equal(r.field.min, '2024-01-02 00:00:00.000Z');
    assert.equal(r.field.max, '');
    assert.equal(h.normalizeOptions({ name: 'd', min: 5 }).ok, false);
  });

  it('validateOptions does not compare min and max (PocketBase accepts max < min)', () => {
    assert.deepEqual(h.validateOptions(field({ min: '2024-01-02 00:00:00.000Z', max: '2023-01-01 00:00:00.000Z' }), optionsCtx([])), {});
  });

  it('prepare normalises to PocketBase format or "" (verified on PocketBase)', () => {
    const cases: Array<[unknown, string]> = [
      ['2024-01-02', '2024-01-02 00:00:00.000Z'], ['2024-01-02T10:11:12.123456+02:00', '2024-01-02 08:11:12.123Z'],
      ['2024-01-02T10:11', ''], [1700000000, ''], [null, ''], [new Date('2024-03-04T05:06:07.089Z'), '2024-03-04 05:06:07.089Z'],
    ];
    for (const [input, expected] of cases) assert.equal(h.prepare(field(), input), expected, String(input));
    assert.equal(h.modify(field(), '', 'append', 'x'), undefined);
  });

  it('validateValue bounds (messages verified on PocketBase)', () => {
    const f = field({ min: '2024-01-01 00:00:00.000Z', max: '2024-12-31 23:59:59.999Z' });
    assert.deepEqual(h.validateValue(f, '2023-12-31 00:00:00.000Z', valueCtx()), {
      code: 'validation_min_greater_equal_than_required',
      message: 'Must be no less than 2024-01-01 00:00:00 +0000 UTC.',
      params: { threshold: '2024-01-01T00:00:00Z' },
    });
    assert.deepEqual(h.validateValue(f, '2025-01-01 00:00:00.000Z', valueCtx()), {
      code: 'validation_max_less_equal_than_required',
      message: 'Must be no greater than 2024-12-31 23:59:59.999 +0000 UTC.',
      params: { threshold: '2024-12-31T23:59:59.999Z' },
    });
    assert.equal(h.validateValue(f, '2024-06-01 00:00:00.000Z', valueCtx()), null);
    assert.equal(h.validateValue(f, '', valueCtx()), null);
    assert.equal(h.validateValue(field({ required: true }), '', valueCtx())?.code, 'validation_required');
  });

  it('column and SQLite round trip', () => {
    assert.equal(h.columnDefinition(field()), "TEXT DEFAULT '' NOT NULL");
    const v = '2024-01-02 00:00:00.000Z';
    assert.deepEqual(sqliteRoundTrip(h, field(), v), { stored: v, back: v });
    assert.equal(h.fromDb(field(), 'garbage'), '');
    assert.equal(h.toJSON(field(), ''), '');
  });
});
