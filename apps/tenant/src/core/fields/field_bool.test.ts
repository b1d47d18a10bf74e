import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BoolField } from '../collection_model.js';
import { boolField as h } from './field_bool.js';
import { optionsCtx, sqliteDefault, sqliteRoundTrip, valueCtx } from './test_helpers.js';

const field = (o: Partial<BoolField> = {}): BoolField => ({ ...h.defaults('b'), ...o });

describe('bool field', () => {
  it('defaults match PocketBase', () => {
    assert.equal(JSON.stringify(h.defaults('b')),
      '{"help":"","hidden":false,"id":"bool1908338681","name":"b","presentable":false,"required":false,"system":false,"type":"bool"}');
    assert.equal(JSON.stringify(h.defaults('emailVisibility')).includes('"id":"bool1547992806"'), true);
  });

  it('normalizeOptions and validateOptions', () => {
    assert.equal(h.normalizeOptions({ name: 'b', required: 'true' }).ok, false);
    assert.deepEqual(h.validateOptions(field(), optionsCtx([])), {});
    assert.equal((h.validateOptions(field({ name: 'false' }), optionsCtx([])).name as { code: string }).code, 'validation_not_in_invalid');
  });

  it('prepare follows strconv.ParseBool (verified on PocketBase: "on" is false)', () => {
    const cases: Array<[unknown, boolean]> = [
      ['true', true], ['1', true], ['t', true], ['T', true], ['TRUE', true], ['True', true], [1, true], [2, true], [0.5, true], [true, true],
      ['on', false], ['yes', false], ['tRue', false], ['0', false], ['false', false], ['', false], [0, false], [null, false],
      [[1], false], [{ a: 1 }, false],
    ];
    for (const [input, expected] of cases) assert.equal(h.prepare(field(), input), expected, JSON.stringify(input));
  });

  it('modify is not supported', () => assert.equal(h.modify(field(), true, 'append', true), undefined));

  it('required means true (verified on PocketBase)', () => {
    assert.deepEqual(h.validateValue(field({ required: true }), false, valueCtx()), { code: 'validation_required', message: 'Cannot be blank.' });
    assert.equal(h.validateValue(field({ required: true }), true, valueCtx()), null);
    assert.equal(h.validateValue(field(), false, valueCtx()), null);
  });

  it('column and SQLite round trip (stored as 0/1 like PocketBase)', () => {
    assert.equal(h.columnDefinition(field()), 'BOOLEAN DEFAULT FALSE NOT NULL');
    assert.deepEqual(sqliteRoundTrip(h, field(), true), { stored: 1, back: true });
    assert.deepEqual(sqliteRoundTrip(h, field(), false), { stored: 0, back: false });
    assert.equal(sqliteDefault(h, field()), 0);
    assert.equal(h.fromDb(field(), 'true'), true);
    assert.equal(h.toJSON(field(), true), true);
  });
});
