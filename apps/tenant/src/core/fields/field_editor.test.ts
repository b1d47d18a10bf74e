import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EditorField } from '../collection_model.js';
import { DEFAULT_EDITOR_MAX_SIZE, editorField as h } from './field_editor.js';
import { optionsCtx, sqliteRoundTrip, valueCtx } from './test_helpers.js';

const field = (o: Partial<EditorField> = {}): EditorField => ({ ...h.defaults('ed'), ...o });

describe('editor field', () => {
  it('defaults match PocketBase', () => {
    assert.equal(JSON.stringify(h.defaults('ed')),
      '{"convertURLs":false,"help":"","hidden":false,"id":"editor327952476","maxSize":0,"name":"ed","presentable":false,"required":false,"system":false,"type":"editor"}');
  });

  it('options', () => {
    assert.equal(h.normalizeOptions({ name: 'ed', maxSize: 1.5 }).ok, false);
    const r = h.normalizeOptions({ name: 'ed', convertURLs: true });
    assert.ok(r.ok && r.field.convertURLs);
    assert.deepEqual(h.validateOptions(field({ maxSize: -1 }), optionsCtx([])), {
      maxSize: { code: 'validation_min_greater_equal_than_required', message: 'Must be no less than 0.', params: { threshold: 0 } },
    });
  });

  it('prepare, modify', () => {
    assert.equal(h.prepare(field(), '<p>x</p>'), '<p>x</p>');
    assert.equal(h.prepare(field(), 3), '3');
    assert.equal(h.modify(field(), '', 'append', 'x'), undefined);
  });

  it('validateValue counts bytes (verified on PocketBase)', () => {
    const small = field({ maxSize: 5 });
    assert.equal(h.validateValue(small, 'abcde', valueCtx()), null);
    const err = { code: 'validation_content_size_limit', message: 'The maximum allowed content size is 5 bytes.', params: { maxSize: 5 } };
    assert.deepEqual(h.validateValue(small, 'abcdef', valueCtx()), err);
    assert.deepEqual(h.validateValue(small, 'éééé', valueCtx()), err);
    assert.equal(h.validateValue(field({ required: true }), '', valueCtx())?.code, 'validation_required');
    assert.equal(h.validateValue(field(), 'x'.repeat(DEFAULT_EDITOR_MAX_SIZE + 1), valueCtx())?.code, 'validation_content_size_limit');
  });

  it('column and SQLite round trip', () => {
    assert.equal(h.columnDefinition(field()), "TEXT DEFAULT '' NOT NULL");
    assert.deepEqual(sqliteRoundTrip(h, field(), '<b>é</b>'), { stored: '<b>é</b>', back: '<b>é</b>' });
  });
});
