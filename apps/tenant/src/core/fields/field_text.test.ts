import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TextField } from '../collection_model.js';
import { FieldFormatError } from './errors.js';
import { autogenerateText, defaultIdField, PRIMARY_KEY_COLUMN, textField as h } from './field_text.js';
import { optionsCtx, sqliteDefault, sqliteRoundTrip, valueCtx } from './test_helpers.js';

const field = (o: Partial<TextField> = {}): TextField => ({ ...h.defaults('t'), ...o });
const code = (o: Partial<TextField>, v: string, ctx = valueCtx<string>()): string | undefined => h.validateValue(field(o), v, ctx)?.code;

describe('text field', () => {
  it('defaults match PocketBase (key order included)', () => {
    assert.equal(JSON.stringify(h.defaults('t')),
      '{"autogeneratePattern":"","help":"","hidden":false,"id":"text2238339752","max":0,"min":0,"name":"t","pattern":"","presentable":false,"primaryKey":false,"required":false,"system":false,"type":"text"}');
    assert.equal(JSON.stringify(defaultIdField()),
      '{"autogeneratePattern":"[a-z0-9]{15}","help":"","hidden":false,"id":"text3208210256","max":15,"min":15,"name":"id","pattern":"^[a-z0-9]+$","presentable":false,"primaryKey":true,"required":true,"system":true,"type":"text"}');
    assert.equal(h.defaults('x', 'custom').id, 'custom');
  });

  it('normalizeOptions is lenient like json.Unmarshal', () => {
    const r = h.normalizeOptions({ name: 'x', type: 'text', bogus: 1, required: null, MIN: 3, Pattern: '^a' });
    assert.ok(r.ok);
    assert.equal(r.field.min, 3);
    assert.equal(r.field.pattern, '^a');
    assert.equal(r.field.required, false);
    assert.equal('bogus' in r.field, false);
    // Without an id the field gets "" here; the collection layer assigns type+crc32(name).
    assert.equal(r.field.id, '');
  });

  it('normalizeOptions rejects wrong JSON types (PocketBase: "Failed to load the submitted data")', () => {
    for (const raw of [{ name: 'x', min: 5.5 }, { name: 'x', min: '5' }, { id: 5 }, { name: 'x', primaryKey: 'yes' }, 'x', null, []]) {
      const r = h.normalizeOptions(raw);
      assert.equal(r.ok, false, JSON.stringify(raw));
      if (!r.ok) assert.ok(r.error instanceof FieldFormatError);
    }
  });

  describe('validateOptions (codes verified on PocketBase)', () => {
    const cases: Array<[Partial<TextField>, Record<string, string>]> = [
      [{ name: '' }, { name: 'validation_required' }],
      [{ name: 'a-b' }, { name: 'validation_match_invalid' }],
      [{ name: 'true' }, { name: 'validation_not_in_invalid' }],
      [{ name: 'expand' }, { name: 'validation_not_in_invalid' }],
      [{ name: 'a_via_b' }, { name: 'validation_found_via' }],
      [{ name: 'x'.repeat(101) }, { name: 'validation_length_out_of_range' }],
      [{ help: 'h'.repeat(301) }, { help: 'validation_length_out_of_range' }],
      [{ id: 'i'.repeat(101) }, { id: 'validation_length_out_of_range' }],
      [{ id: '' }, { id: 'validation_required' }],
      [{ min: -1, max: -2 }, { min: 'validation_min_greater_equal_than_required', max: 'validation_min_greater_equal_than_required' }],
      [{ min: 5, max: 3 }, { max: 'validation_min_greater_equal_than_required' }],
      [{ min: 5, max: 0 }, {}],
      [{ pattern: '[a-' }, { pattern: 'validation_invalid_regex' }],
      [{ autogeneratePattern: '^[a-z]+$' }, { autogeneratePattern: 'validation_invalid_autogenerate_pattern' }],
      [{ autogeneratePattern: '[a-z]{5}', max: 3 }, { autogeneratePattern: 'validation_invalid_autogenerate_pattern_value' }],
      [{ autogeneratePattern: '[a-z]{5}', pattern: '^[0-9]+$' }, { autogeneratePattern: 'validation_invalid_autogenerate_pattern_value' }],
      [{ autogeneratePattern: '[a-z]{5}' }, {}],
      [{ hidden: true, required: true, presentable: true, system: true }, {}],
      [{ primaryKey: true }, {
        name: 'validation_in_invalid', pattern: 'validation_required', required: 'validation_required',
      }],
      [{ primaryKey: true, name: 'id', pattern: '^x', required: true, hidden: true }, { hidden: 'validation_empty' }],
    ];
    for (const [opts, expected] of cases) {
      it(JSON.stringify(opts).slice(0, 80), () => {
        const f = field(opts);
        const errors = h.validateOptions(f, optionsCtx([f]));
        assert.deepEqual(Object.fromEntries(Object.entries(errors).map(([k, e]) => [k, 'code' in e ? e.code : 'nested'])), expected);
      });
    }

    it('reports the exact PocketBase messages', () => {
      const f = field({ pattern: '[a-', min: -1, autogeneratePattern: '^[a-z]+$' });
      const errors = h.validateOptions(f, optionsCtx([f]));
      assert.deepEqual(errors.pattern, { code: 'validation_invalid_regex', message: 'Error parsing regexp: missing closing ]: `[a-`.' });
      assert.deepEqual(errors.min, { code: 'validation_min_greater_equal_than_required', message: 'Must be no less than 0.', params: { threshold: 0 } });
      assert.deepEqual(errors.autogeneratePattern, { code: 'validation_invalid_autogenerate_pattern', message: 'Unsupported pattern operator 9.' });
      const pk = field({ primaryKey: true });
      assert.deepEqual(h.validateOptions(pk, optionsCtx([pk])).name, { code: 'validation_in_invalid', message: 'The primary key must be named "id".' });
    });

    it('refuses a second primary key', () => {
      const id = defaultIdField();
      const other = field({ name: 'id2', primaryKey: true, pattern: '^x', required: true });
      assert.equal((h.validateOptions(other, optionsCtx([id, other])).primaryKey as { code: string }).code, 'validation_unsupported_composite_pk');
      assert.deepEqual(h.validateOptions(id, optionsCtx([id])), {});
    });
  });

  it('prepare casts like cast.ToString (no trimming)', () => {
    const cases: Array<[unknown, string]> = [[12, '12'], [1.5, '1.5'], [1e21, '1000000000000000000000'], [1e-7, '0.0000001'], [true, 'true'],
      [null, ''], [undefined, ''], [[1, 2], ''], [{ a: 1 }, ''], [' x ', ' x ']];
    for (const [input, expected] of cases) assert.equal(h.prepare(field(), input), expected, JSON.stringify(input));
  });

  it('modify supports only :autogenerate', () => {
    assert.equal(h.modify(field(), 'a', 'append', 'b'), undefined);
    assert.equal(h.modify(field(), 'a', 'autogenerate', 'x'), 'x');
    assert.match(h.modify(field({ autogeneratePattern: '[0-9]{4}' }), '', 'autogenerate', 'pre-') ?? '', /^pre-[0-9]{4}$/);
  });

  it('autogenerates empty values only', () => {
    assert.match(autogenerateText(defaultIdField(), ''), /^[a-z0-9]{15}$/);
    assert.equal(autogenerateText(defaultIdField(), 'given'), 'given');
    assert.equal(autogenerateText(field(), ''), '');
  });

  describe('validateValue (codes and messages verified on PocketBase)', () => {
    const opts = { min: 2, max: 4, pattern: '^[a-z]+$' };
    const cases: Array<[Partial<TextField>, string, string | undefined]> = [
      [opts, 'a', 'validation_min_text_constraint'],
      [opts, 'abcde', 'validation_max_text_constraint'],
      [opts, 'ab1', 'validation_invalid_format'],
      [opts, 'éé', 'validation_invalid_format'],
      [opts, 'ab', undefined],
      [opts, '', undefined],
      [{ required: true }, '', 'validation_required'],
      [{}, 'a'.repeat(5001), 'validation_max_text_constraint'],
      [{}, 'é'.repeat(5000), undefined], // runes, not bytes
      [{ ...defaultIdField() }, 'ABC', 'validation_min_text_constraint'],
      [{ ...defaultIdField() }, 'abc.def123456789', 'validation_max_text_constraint'],
      [{ primaryKey: true, name: 'id', pattern: '^.+$' }, 'a.b', 'validation_forbidden_pk_character'],
      [{ primaryKey: true, name: 'id', pattern: '^.+$' }, 'con', 'validation_reserved_pk'],
      [{ primaryKey: true, name: 'id', pattern: '^.+$' }, 'console', undefined],
    ];
    for (const [o, v, expected] of cases) it(`${JSON.stringify(o).slice(0, 50)} ${v.slice(0, 20)}`, () => assert.equal(code(o, v), expected));

    it('messages and params', () => {
      assert.deepEqual(h.validateValue(field(opts), 'a', valueCtx()), {
        code: 'validation_min_text_constraint', message: 'Must be at least 2 character(s).', params: { min: 2 },
      });
      assert.deepEqual(h.validateValue(field(), 'a'.repeat(5001), valueCtx()), {
        code: 'validation_max_text_constraint', message: 'Must be no more than 5000 character(s).', params: { max: 5000 },
      });
      assert.deepEqual(h.validateValue(field(opts), 'ab1', valueCtx()), { code: 'validation_invalid_format', message: 'Invalid value format.' });
    });

    it('primary keys cannot change and custom ones must be unique', () => {
      const id = defaultIdField();
      assert.equal(h.validateValue(id, 'abcdefghijklmn2', valueCtx({ isNew: false, original: 'abcdefghijklmn1' }))?.code, 'validation_pk_change');
      assert.equal(h.validateValue(id, 'legacy', valueCtx({ isNew: false, original: 'legacy' })), null);
      const custom = field({ primaryKey: true, name: 'id', pattern: '^.+$' });
      assert.equal(h.validateValue(custom, 'abc', valueCtx({ idExistsNoCase: (v) => v === 'abc' }))?.code, 'validation_pk_invalid');
    });
  });

  it('columns and SQLite round trip', () => {
    assert.equal(h.columnDefinition(field()), "TEXT DEFAULT '' NOT NULL");
    assert.equal(h.columnDefinition(defaultIdField()), PRIMARY_KEY_COLUMN);
    assert.equal(PRIMARY_KEY_COLUMN, "TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL");
    assert.deepEqual(sqliteRoundTrip(h, field(), ' héllo '), { stored: ' héllo ', back: ' héllo ' });
    assert.equal(sqliteDefault(h, field()), '');
    assert.match(String(sqliteDefault(h, defaultIdField())), /^r[0-9a-f]{14}$/);
    assert.equal(h.fromDb(field(), 12), '12');
    assert.equal(h.fromDb(field(), null), '');
    assert.equal(h.toJSON(field(), 'x'), 'x');
  });
});
