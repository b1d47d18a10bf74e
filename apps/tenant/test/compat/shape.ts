/**
 * JSON "shapes": a value's keys and value types, recursively, with the values dropped.
 *
 * A shape is plain JSON so it can be dumped and read:
 * - primitives become `"string"`, `"number"`, `"boolean"`, `"null"`;
 *   mixed primitives become a sorted union such as `"null|string"`;
 * - an object keeps its keys; a key that only some merged objects carry ends in `?`;
 * - an array becomes `[]` when empty, else `[<merged shape of all elements>]`;
 * - a mix of containers and/or primitives becomes `{"$anyOf": [...]}`.
 * Ids, dates and tokens are strings, so they compare as `"string"`.
 */

/** A value's shape (see the module comment for the encoding). */
export type Shape = string | Shape[] | { [key: string]: Shape };

type ObjectShape = { [key: string]: Shape };

const ANY_OF = '$anyOf';
const OPTIONAL = '?';

/** Computes the shape of a JSON-compatible value. */
export function shapeOf(value: unknown): Shape {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) {
    if (value.length === 0) return [];
    return [value.map(shapeOf).reduce(mergeShapes)];
  }
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object': {
      const out: ObjectShape = {};
      for (const key of Object.keys(value).sort()) {
        const v = (value as Record<string, unknown>)[key];
        if (v !== undefined) out[key] = shapeOf(v);
      }
      return out;
    }
    default:
      return typeof value;
  }
}

/** Merges two shapes into the smallest shape that describes both. */
export function mergeShapes(a: Shape, b: Shape): Shape {
  if (sameShape(a, b)) return a;
  if (isArrayShape(a) && isArrayShape(b)) {
    if (a.length === 0) return b;
    if (b.length === 0) return a;
    return [mergeShapes(a[0], b[0])];
  }
  if (isObjectShape(a) && isObjectShape(b)) return mergeObjects(a, b);
  return union([...variants(a), ...variants(b)]);
}

function mergeObjects(a: ObjectShape, b: ObjectShape): ObjectShape {
  const keysA = keyMap(a);
  const keysB = keyMap(b);
  const names = [...new Set([...keysA.keys(), ...keysB.keys()])].sort();
  const out: ObjectShape = {};
  for (const name of names) {
    const ka = keysA.get(name);
    const kb = keysB.get(name);
    const optional = ka === undefined || kb === undefined || ka.optional || kb.optional;
    const shape =
      ka && kb ? mergeShapes(ka.shape, kb.shape) : (ka?.shape ?? kb?.shape ?? 'null');
    out[optional ? name + OPTIONAL : name] = shape;
  }
  return out;
}

/** Object keys by their bare name (without the optional marker). */
export function keyMap(obj: ObjectShape): Map<string, { shape: Shape; optional: boolean }> {
  const out = new Map<string, { shape: Shape; optional: boolean }>();
  for (const [key, shape] of Object.entries(obj)) {
    const optional = key.endsWith(OPTIONAL);
    out.set(optional ? key.slice(0, -1) : key, { shape, optional });
  }
  return out;
}

function variants(s: Shape): Shape[] {
  if (typeof s === 'string') return s.split('|');
  if (isAnyOf(s)) return s[ANY_OF].flatMap(variants);
  return [s];
}

function isAnyOf(s: Shape): s is { [ANY_OF]: Shape[] } {
  return typeof s === 'object' && !Array.isArray(s) && Array.isArray(s[ANY_OF]);
}

function union(parts: Shape[]): Shape {
  // Merge same-kind containers (all objects into one, all arrays into one).
  const prims = new Set<string>();
  let obj: Shape | undefined;
  let arr: Shape | undefined;
  for (const p of parts) {
    if (typeof p === 'string') prims.add(p);
    else if (Array.isArray(p)) arr = arr === undefined ? p : mergeShapes(arr, p);
    else obj = obj === undefined ? p : mergeShapes(obj, p);
  }
  const primitive = [...prims].sort().join('|');
  const containers = [arr, obj].filter((s): s is Shape => s !== undefined);
  if (containers.length === 0) return primitive;
  const all: Shape[] = primitive === '' ? containers : [primitive, ...containers];
  return all.length === 1 ? all[0] : { [ANY_OF]: all };
}

function isArrayShape(s: Shape): s is Shape[] {
  return Array.isArray(s);
}

function isObjectShape(s: Shape): s is ObjectShape {
  return typeof s === 'object' && !Array.isArray(s) && !isAnyOf(s);
}

function sameShape(a: Shape, b: Shape): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** One difference between two shapes. */
export interface ShapeDiff {
  /** Dot path, `[]` for "any array element", e.g. `items[].expand.author`. */
  path: string;
  left: string;
  right: string;
}

/** Lists where two shapes differ; empty when they match. */
export function diffShapes(left: Shape, right: Shape, path = ''): ShapeDiff[] {
  if (sameShape(left, right)) return [];
  if (isObjectShape(left) && isObjectShape(right)) {
    const out: ShapeDiff[] = [];
    const l = keyMap(left);
    const r = keyMap(right);
    for (const name of [...new Set([...l.keys(), ...r.keys()])].sort()) {
      const sub = path === '' ? name : `${path}.${name}`;
      const lk = l.get(name);
      const rk = r.get(name);
      if (!lk || !rk) {
        out.push({ path: sub, left: lk ? brief(lk.shape) : '<missing>', right: rk ? brief(rk.shape) : '<missing>' });
        continue;
      }
      if (lk.optional !== rk.optional) {
        out.push({
          path: sub,
          left: lk.optional ? 'present in some elements only' : 'always present',
          right: rk.optional ? 'present in some elements only' : 'always present',
        });
      }
      out.push(...diffShapes(lk.shape, rk.shape, sub));
    }
    return out;
  }
  if (isArrayShape(left) && isArrayShape(right) && left.length > 0 && right.length > 0) {
    return diffShapes(left[0], right[0], `${path}[]`);
  }
  return [{ path: path === '' ? '(root)' : path, left: brief(left), right: brief(right) }];
}

/** A short one-line rendering of a shape for diff messages. */
export function brief(s: Shape): string {
  const text = JSON.stringify(s);
  return text.length > 120 ? text.slice(0, 117) + '...' : text;
}
