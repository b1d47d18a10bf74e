import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RelationField } from '../collection_model.js';
import { relationField as h } from './field_relation.js';
import { optionsCtx, sqliteRoundTrip, valueCtx } from './test_helpers.js';

const POSTS = 'pbc_3259673726';
const single = (o: Partial<RelationField> = {}): RelationField => ({ ...h.defaults('r'), collectionId: POSTS, ...o });
const multi = (o: Partial<RelationField> = {}): RelationField => single({ name: 'rm', maxSelect: 5, ...o });
const codes = (errors: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(errors).map(([k, e]) => [k, (e as { code: string }).code]));

describe('relation field', () => {
  it('defaults match PocketBase (maxSelect 0, not 1)', () => {
    assert.equal(JSON.stringify(single()),
      '{"cascadeDelete":false,"collectionId":"pbc_3259673726","help":"","hidden":false,"id":"relation1812594589","maxSelect":0,"minSelect":0,"name":"r","presentable":false,"required":false,"system":false,"type":"relation"}');
  });

  it('normalizeOptions', () => {
    assert.equal(h.normalizeOptions({ name: 'r', collectionId: 5 }).ok, false);
    assert.equal(h.normalizeOptions({ name: 'r', cascadeDelete: 'true' }).ok, false);
  });

  it('validateOptions (verified on PocketBase)', () => {
    const v = (f: RelationField, extra = {}): Record<string, unknown> => codes(h.validateOptions(f, optionsCtx([f], extra)));
    assert.deepEqual(v(single({ collectionId: '' })), { collectionId: 'validation_required' });
    assert.deepEqual(v(single({ collectionId: 'posts' })), { collectionId: 'validation_field_relation_missing_collection' }); // names are not ids
    assert.deepEqual(v(single({ collectionId: 'pbc_nope' })), { collectionId: 'validation_field_relation_missing_collection' });
    assert.deepEqual(v(single({ collectionId: 'pbc_view000001' })), { collectionId: 'validation_relation_field_non_view_base_collection' });
    assert.deepEqual(v(single({ collectionId: 'pbc_view000001' }), { collection: { id: 'v', type: 'view', fields: [] } }), {});
    assert.deepEqual(v(single({ minSelect: 2 })), { maxSelect: 'validation_required' });
    assert.deepEqual(v(single({ minSelect: -1, maxSelect: -2 })), {
      minSelect: 'validation_min_greater_equal_than_required', maxSelect: 'validation_min_greater_equal_than_required',
    });
    assert.deepEqual(h.validateOptions(single({ minSelect: 3, maxSelect: 2 }), optionsCtx([])).maxSelect, {
      code: 'validation_min_greater_equal_than_required', message: 'Must be no less than 3.', params: { threshold: 3 },
    });
    assert.deepEqual(v(single(), { old: single({ collectionId: 'pbc_other' }) }), { collectionId: 'validation_field_relation_change' });
    assert.deepEqual(h.validateOptions(single({ collectionId: 'pbc_view000001' }), optionsCtx([])).collectionId, {
      code: 'validation_relation_field_non_view_base_collection', message: 'Only view collections are allowed to have relations to other views.',
    });
  });

  it('prepare and modify (verified on PocketBase)', () => {
    assert.equal(h.prepare(single(), ['rec000000000001', 'rec000000000002']), 'rec000000000002');
    assert.deepEqual(h.prepare(multi(), 'rec000000000002'), ['rec000000000002']);
    assert.deepEqual(h.prepare(multi(), ['rec000000000001', 'rec000000000001']), ['rec000000000001']);
    assert.deepEqual(h.modify(multi(), ['rec000000000001'], 'append', ['rec000000000002', 'rec000000000003']),
      ['rec000000000001', 'rec000000000002', 'rec000000000003']);
    assert.equal(h.modify(single(), 'rec000000000001', 'append', 'rec000000000002'), 'rec000000000002');
    assert.equal(h.modify(single(), 'rec000000000002', 'prepend', 'rec000000000003'), 'rec000000000002');
    assert.deepEqual(h.modify(multi(), ['a', 'b'], 'subtract', ['a']), ['b']);
  });

  it('validateValue (verified on PocketBase)', () => {
    const v = (f: RelationField, value: string | string[], ctx = valueCtx<string | string[]>()): unknown => h.validateValue(f, value, ctx);
    const missing = { code: 'validation_missing_rel_records', message: 'Failed to find all relation records with the provided ids.' };
    assert.deepEqual(v(single(), 'nope'), missing);
    assert.deepEqual(v(single(), 'REC000000000001'), missing); // ids are case-sensitive
    assert.deepEqual(v(multi(), ['rec000000000001', 'nope']), missing);
    assert.equal(v(multi(), ['rec000000000001', 'rec000000000002']), null);
    assert.equal(v(single(), ''), null);
    assert.deepEqual(v(single({ required: true }), ''), { code: 'validation_required', message: 'Cannot be blank.' });
    assert.deepEqual(v(multi({ minSelect: 2 }), ['rec000000000001']), {
      code: 'validation_not_enough_values', message: 'Select at least 2.', params: { minSelect: 2 },
    });
    assert.deepEqual(v(multi({ maxSelect: 2 }), ['rec000000000001', 'rec000000000002', 'rec000000000003']), {
      code: 'validation_too_many_values', message: 'Select no more than 2.', params: { maxSelect: 2 },
    });
    assert.deepEqual(v(single({ collectionId: 'pbc_gone' }), 'rec000000000001'), {
      code: 'validation_missing_rel_collection', message: 'Relation connection is missing or cannot be accessed.',
    });
    let asked: readonly string[] = [];
    v(multi(), ['rec000000000002', 'rec000000000001'], valueCtx({ existingRelIds: (_c, ids) => ((asked = ids), new Set(ids)) }));
    assert.deepEqual(asked, ['rec000000000002', 'rec000000000001']);
  });

  it('columns and SQLite round trip (stored like PocketBase rows)', () => {
    assert.equal(h.columnDefinition(single()), "TEXT DEFAULT '' NOT NULL");
    assert.equal(h.columnDefinition(multi()), "JSON DEFAULT '[]' NOT NULL");
    assert.deepEqual(sqliteRoundTrip(h, multi(), ['rec000000000001']), { stored: '["rec000000000001"]', back: ['rec000000000001'] });
    assert.deepEqual(sqliteRoundTrip(h, single(), ''), { stored: '', back: '' });
    assert.deepEqual(h.toJSON(multi(), []), []);
    assert.equal(h.toJSON(single(), ''), '');
  });
});
