/** The "geoPoint" field: {lon, lat} in degrees. */
import type { GeoPointField } from '../collection_model.js';
import { toGoString } from './cast.js';
import { errRequired, fieldError } from './errors.js';
import { BASE_SPEC, defaultFieldId, readOptions, validateBase } from './options.js';
import type { FieldHandler } from './types.js';

/** A geographic point. */
export interface GeoPoint {
  lon: number;
  lat: number;
}

/** Go's json.Unmarshal into GeoPoint: keys match case-insensitively, non-numbers are skipped. */
function fromObject(obj: unknown): GeoPoint {
  const point = { lon: 0, lat: 0 };
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return point;
  for (const [key, value] of Object.entries(obj as Record<string, unknown>)) {
    const k = key.toLowerCase();
    if ((k === 'lon' || k === 'lat') && typeof value === 'number') point[k] = value;
  }
  return point;
}

/** PocketBase's GeoPoint.Scan: objects and JSON text; anything unparsable is (0, 0). */
export function toGeoPoint(raw: unknown): GeoPoint {
  if (typeof raw === 'string' || raw instanceof Uint8Array) {
    const text = toGoString(raw);
    if (text === '') return { lon: 0, lat: 0 };
    try {
      return fromObject(JSON.parse(text));
    } catch {
      return { lon: 0, lat: 0 };
    }
  }
  return fromObject(raw);
}

function geoPointDefaults(name: string, id?: string): GeoPointField {
  return {
    help: '', hidden: false, id: id ?? defaultFieldId('geoPoint', name), name, presentable: false,
    required: false, system: false, type: 'geoPoint',
  };
}

/** Handler of "geoPoint" fields; (0, 0) counts as empty for `required`. */
export const geoPointField: FieldHandler<GeoPointField, GeoPoint> = {
  type: 'geoPoint',
  settable: true,
  defaults: geoPointDefaults,
  normalizeOptions: (raw) => readOptions(raw, geoPointDefaults('', ''), BASE_SPEC),
  validateOptions: (field) => validateBase(field, {}),
  columnDefinition: () => `JSON DEFAULT '{"lon":0,"lat":0}' NOT NULL`,
  zeroValue: () => ({ lon: 0, lat: 0 }),
  fromDb: (_field, raw) => toGeoPoint(raw),
  prepare: (_field, input) => toGeoPoint(input),
  modify: () => undefined,
  validateValue(field, value) {
    if (value.lat === 0 && value.lon === 0) return field.required ? errRequired() : null;
    if (!(value.lat >= -90 && value.lat <= 90)) {
      return fieldError('validation_invalid_latitude', 'Latitude must be between -90 and 90 degrees.');
    }
    if (!(value.lon >= -180 && value.lon <= 180)) {
      return fieldError('validation_invalid_longitude', 'Longitude must be between -180 and 180 degrees.');
    }
    return null;
  },
  toDb: (_field, value) => JSON.stringify({ lon: value.lon, lat: value.lat }),
  toJSON: (_field, value) => ({ lon: value.lon, lat: value.lat }),
};
