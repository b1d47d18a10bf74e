import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GeoPointField } from '../collection_model.js';
import { geoPointField as h, type GeoPoint } from './field_geo_point.js';
import { optionsCtx, sqliteDefault, sqliteRoundTrip, valueCtx } from './test_helpers.js';

const field = (o: Partial<GeoPointField> = {}): GeoPointField => ({ ...h.defaults('g'), ...o });

describe('geoPoint field', () => {
  it('defaults match PocketBase', () => {
    assert.equal(JSON.stringify(h.defaults('g')),
      '{"help":"","hidden":false,"id":"geoPoint30677878","name":"g","presentable":false,"required":false,"system":false,"type":"geoPoint"}');
  });

  it('options', () => {
    assert.equal(h.normalizeOptions({ name: 'g', hidden: 1 }).ok, false);
    assert.deepEqual(h.validateOptions(field(), optionsCtx([])), {});
  });

  it('prepare (verified on PocketBase)', () => {
    const cases: Array<[unknown, GeoPoint]> = [
      [{ lon: 1, lat: 2 }, { lon: 1, lat: 2 }], [{ lat: 2 }, { lon: 0, lat: 2 }], [{ lon: '1', lat: 2 }, { lon: 0, lat: 2 }],
      ['{"lon":3,"lat":4}', { lon: 3, lat: 4 }], [[1, 2], { lon: 0, lat: 0 }], ['bad', { lon: 0, lat: 0 }], [null, { lon: 0, lat: 0 }],
      ['', { lon: 0, lat: 0 }], [{ lon: 1, lat: 2, x: 5 }, { lon: 1, lat: 2 }], [{ LON: 5, Lat: 6 }, { lon: 5, lat: 6 }], [5, { lon: 0, lat: 0 }],
    ];
    for (const [input, expected] of cases) assert.deepEqual(h.prepare(field(), input), expected, JSON.stringify(input));
    assert.equal(h.modify(field(), { lon: 0, lat: 0 }, 'append', 1), undefined);
  });

  it('validateValue (verified on PocketBase)', () => {
    assert.deepEqual(h.validateValue(field(), { lon: 181, lat: 0 }, valueCtx()), {
      code: 'validation_invalid_longitude', message: 'Longitude must be between -180 and 180 degrees.',
    });
    assert.deepEqual(h.validateValue(field(), { lon: 0, lat: -91 }, valueCtx()), {
      code: 'validation_invalid_latitude', message: 'Latitude must be between -90 and 90 degrees.',
    });
    assert.equal(h.validateValue(field(), { lon: 180, lat: -90 }, valueCtx()), null);
    assert.deepEqual(h.validateValue(field({ required: true }), { lon: 0, lat: 0 }, valueCtx()), { code: 'validation_required', message: 'Cannot be blank.' });
  });

  it('column, SQLite round trip and API JSON (as stored by PocketBase)', () => {
    assert.equal(h.columnDefinition(field()), 'JSON DEFAULT \'{"lon":0,"lat":0}\' NOT NULL');
    assert.equal(sqliteDefault(h, field()), '{"lon":0,"lat":0}');
    assert.deepEqual(sqliteRoundTrip(h, field(), { lon: 1.5, lat: -2 }), { stored: '{"lon":1.5,"lat":-2}', back: { lon: 1.5, lat: -2 } });
    assert.deepEqual(h.toJSON(field(), { lon: 1, lat: 2 }), { lon: 1, lat: 2 });
  });
});
