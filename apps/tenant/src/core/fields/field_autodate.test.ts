import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AutodateField } from '../collection_model.js';
import { autodateField as h, autodateOnSave } from './field_autodate.js';
import { optionsCtx, sqliteRoundTrip, valueCtx } from './test_helpers.js';

const field = (o: Partial<AutodateField> = {}): AutodateField => ({ ...h.defaults('created'), ...o });

describe('autodate field', () => {
  it('defaults have neither help nor required (as PocketBase serialises them)', () => {
    assert.equal(JSON.stringify({ ...h.defaults('created'), onCreate: true }),
      '{"hidden":false,"id":"autodate2990389176","name":"created","onCreate":true,"onUpdate":false,"presentable":false,"system":false,"type":"autodate"}');
    assert.equal(h.defaults('updated').id, 'autodate3332085495');
  });

  it('normalizeOptions drops help and required', () => {
    const r = h.normalizeOptions({ name: 'x', type: 'autodate', onUpdate: true, required: true, help: 'h' });
    assert.ok(r.ok);
    assert.equal(JSON.stringify(r.field), '{"hidden":false,"id":"","name":"x","onCreate":false,"onUpdate":true,"presentable":false,"system":false,"type":"autodate"}');
  });

  it('validateOptions (verified on PocketBase)', () => {
    const need = { code: 'validation_required', message: 'Either onCreate or onUpdate must be enabled.' };
    assert.deepEqual(h.validateOptions(field(), optionsCtx([])), { onCreate: need, onUpdate: need });
    assert.deepEqual(h.validateOptions(field({ onUpdate: true }), optionsCtx([])), {});
    // System autodate fields keep their stored behaviour.
    const stored = field({ system: true, onCreate: true });
    const changed = field({ system: true, onCreate: true, onUpdate: true });
    assert.deepEqual(h.validateOptions(changed, optionsCtx([], { old: stored })), {
      onUpdate: { code: 'validation_values_mismatch', message: "Values don't match." },
    });
  });

  it('ignores input and is set on save', () => {
    assert.equal(h.settable, false);
    assert.equal(h.prepare(field(), '2024-01-02'), '2024-01-02 00:00:00.000Z');
    const now = new Date('2024-05-06T07:08:09.123Z');
    assert.equal(autodateOnSave(field({ onCreate: true }), '', '', true, now), '2024-05-06 07:08:09.123Z');
    assert.equal(autodateOnSave(field({ onCreate: true }), 'x', 'x', false, now), 'x');
    assert.equal(autodateOnSave(field({ onUpdate: true }), 'x', 'x', false, now), '2024-05-06 07:08:09.123Z');
    // A value changed programmatically since loading is kept.
    assert.equal(autodateOnSave(field({ onUpdate: true }), 'y', 'x', false, now), 'y');
    assert.equal(h.validateValue(field(), '', valueCtx()), null);
  });

  it('column and SQLite round trip', () => {
    assert.equal(h.columnDefinition(field()), "TEXT DEFAULT '' NOT NULL");
    const v = '2024-05-06 07:08:09.123Z';
    assert.deepEqual(sqliteRoundTrip(h, field(), v), { stored: v, back: v });
  });
});
