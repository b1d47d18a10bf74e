import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIELD_TYPES } from '../collection_model.js';
import { columnDefinition, defaultsFor, isSettable, normalizeOptions, prepare, toDb, toJSON, validateValue, zeroValue } from './dispatch.js';
import { FieldFormatError } from './errors.js';
import { defaultFieldId, uniqueFieldId } from './options.js';
import { FIELD_HANDLERS, handlerOf, parseModifierKey } from './registry.js';
import { valueCtx } from './test_helpers.js';

// The default "users" collection fields exactly as PocketBase v0.39.11 serves them.
const USERS_FIELDS = [
  '{"autogeneratePattern":"[a-z0-9]{15}","help":"","hidden":false,"id":"text3208210256","max":15,"min":15,"name":"id","pattern":"^[a-z0-9]+$","presentable":false,"primaryKey":true,"required":true,"system":true,"type":"text"}',
  '{"cost":0,"help":"","hidden":true,"id":"password901924565","max":0,"min":8,"name":"password","pattern":"","presentable":false,"required":true,"system":true,"type":"password"}',
  '{"autogeneratePattern":"[a-zA-Z0-9]{50}","help":"","hidden":true,"id":"text2504183744","max":60,"min":30,"name":"tokenKey","pattern":"","presentable":false,"primaryKey":false,"required":true,"system":true,"type":"text"}',
  '{"exceptDomains":null,"help":"","hidden":false,"id":"email3885137012","name":"email","onlyDomains":null,"presentable":false,"required":true,"system":true,"type":"email"}',
  '{"help":"","hidden":false,"id":"bool1547992806","name":"emailVisibility","presentable":false,"required":false,"system":true,"type":"bool"}',
  '{"help":"","hidden":false,"id":"bool256245529","name":"verified","presentable":false,"required":false,"system":true,"type":"bool"}',
  '{"autogeneratePattern":"","help":"","hidden":false,"id":"text1579384326","max":255,"min":0,"name":"name","pattern":"","presentable":false,"primaryKey":false,"required":false,"system":false,"type":"text"}',
  '{"help":"","hidden":false,"id":"file376926767","maxSelect":1,"maxSize":0,"mimeTypes":["image/jpeg","image/png","image/svg+xml","image/gif","image/webp"],"name":"avatar","presentable":false,"protected":false,"required":false,"system":false,"thumbs":null,"type":"file"}',
  '{"hidden":false,"id":"autodate2990389176","name":"created","onCreate":true,"onUpdate":false,"presentable":false,"system":false,"type":"autodate"}',
  '{"hidden":false,"id":"autodate3332085495","name":"updated","onCreate":true,"onUpdate":true,"presentable":false,"system":false,"type":"autodate"}',
];

describe('registry and dispatch', () => {
  it('has one handler per field type', () => {
    assert.deepEqual(Object.keys(FIELD_HANDLERS).sort(), [...FIELD_TYPES].sort());
    for (const type of FIELD_TYPES) assert.equal(handlerOf(type).type, type);
  });

  it('round-trips PocketBase field JSON byte for byte', () => {
    for (const json of USERS_FIELDS) {
      const r = normalizeOptions(JSON.parse(json));
      assert.ok(r.ok, json);
      assert.equal(JSON.stringify(r.field), json);
    }
  });

  it('rejects a missing or unknown type as a format error (verified on PocketBase)', () => {
    for (const raw of [{ name: 'x' }, { name: 'x', type: 'bogus' }, null, 'text']) {
      const r = normalizeOptions(raw);
      assert.equal(r.ok, false);
      if (!r.ok) assert.ok(r.error instanceof FieldFormatError);
    }
  });

  it('assigns ids as type + crc32(name), suffixing duplicates (verified on PocketBase)', () => {
    assert.equal(defaultFieldId('text', 'id'), 'text3208210256');
    assert.equal(defaultFieldId('number', 'n'), 'number2013832146');
    assert.equal(defaultFieldId('geoPoint', 'g'), 'geoPoint30677878');
    assert.equal(defaultsFor('autodate', 'created').id, 'autodate2990389176');
    assert.equal(uniqueFieldId('text', 'a', new Set()), defaultFieldId('text', 'a'));
    assert.equal(uniqueFieldId('text', 'a', new Set([defaultFieldId('text', 'a')])), `${defaultFieldId('text', 'a')}2`);
  });

  it('parses modifier keys', () => {
    assert.deepEqual(parseModifierKey('tags+'), { name: 'tags', modifier: 'append' });
    assert.deepEqual(parseModifierKey('+tags'), { name: 'tags', modifier: 'prepend' });
    assert.deepEqual(parseModifierKey('tags-'), { name: 'tags', modifier: 'subtract' });
    assert.deepEqual(parseModifierKey('slug:autogenerate'), { name: 'slug', modifier: 'autogenerate' });
    assert.deepEqual(parseModifierKey('title'), { name: 'title' });
  });

  it('dispatches on the Field union', () => {
    const n = defaultsFor('number', 'n');
    assert.equal(columnDefinition(n), 'NUMERIC DEFAULT 0 NOT NULL');
    assert.equal(prepare(n, '12'), 12);
    assert.equal(toDb(n, 12), 12);
    assert.equal(toJSON(n, 12), 12);
    assert.equal(zeroValue(n), 0);
    assert.equal(validateValue(n, Infinity, valueCtx())?.code, 'validation_not_a_number');
    assert.equal(isSettable(n), true);
    assert.equal(isSettable(defaultsFor('autodate', 'created')), false);
  });

  it('prepare(undefined) is the zero value for every type', () => {
    for (const type of FIELD_TYPES) {
      const f = defaultsFor(type, 'x');
      assert.deepEqual(prepare(f, undefined), zeroValue(f), type);
    }
  });
});
