/** Shared value logic of select and relation fields (single string or list of strings). */
import { toUniqueStringSlice } from './cast.js';
import { goJsonMarshal } from './go_json.js';
import type { FieldModifier } from './types.js';

/** A single-valued field holds a string ("" = none), a multi-valued one a list. */
export type StringOrList = string | string[];

/** PocketBase's normalizeValue: unique non-empty strings; single fields keep the last one. */
export function normalizeStrings(multiple: boolean, raw: unknown): StringOrList {
  const list = toUniqueStringSlice(raw);
  if (multiple) return list;
  return list.length > 0 ? list[list.length - 1] : '';
}

/** Applies `+name`, `name+` or `name-` to a select/relation value. */
export function modifyStrings(multiple: boolean, current: StringOrList, modifier: FieldModifier, input: unknown): StringOrList | undefined {
  const cur = toUniqueStringSlice(current);
  const given = toUniqueStringSlice(input);
  switch (modifier) {
    case 'append': return normalizeStrings(multiple, [...cur, ...given]);
    case 'prepend': return normalizeStrings(multiple, [...given, ...cur]);
    case 'subtract': return normalizeStrings(multiple, cur.filter((v) => !given.includes(v)));
    default: return undefined;
  }
}

/** The stored form: the last value for single fields, a JSON array text for multi ones. */
export function stringsToDb(multiple: boolean, value: StringOrList): string {
  const list = toUniqueStringSlice(value);
  if (!multiple) return list.length > 0 ? list[list.length - 1] : '';
  return goJsonMarshal(list) as string;
}

/** The API form: a string for single fields, an array for multi ones. */
export function stringsToJson(multiple: boolean, value: StringOrList): string | string[] {
  const normalized = normalizeStrings(multiple, value);
  return Array.isArray(normalized) ? [...normalized] : normalized;
}

/** The column of a select/relation/file field. */
export function multiColumn(multiple: boolean): string {
  return multiple ? "JSON DEFAULT '[]' NOT NULL" : "TEXT DEFAULT '' NOT NULL";
}

/** A select or relation field: multiple when maxSelect > 1. */
interface MaxSelectField {
  maxSelect: number;
}

/**
 * The value methods select and relation handlers share (column, zero value, casting,
 * modifiers, storage and JSON), all driven by whether the field holds a list.
 */
export function stringListMethods<F extends MaxSelectField>() {
  const multiple = (f: F): boolean => f.maxSelect > 1;
  return {
    columnDefinition: (field: F) => multiColumn(multiple(field)),
    zeroValue: (field: F): StringOrList => (multiple(field) ? [] : ''),
    fromDb: (field: F, raw: unknown) => normalizeStrings(multiple(field), raw),
    prepare: (field: F, input: unknown) => normalizeStrings(multiple(field), input),
    modify: (field: F, current: StringOrList, modifier: FieldModifier, input: unknown) => modifyStrings(multiple(field), current, modifier, input),
    toDb: (field: F, value: StringOrList) => stringsToDb(multiple(field), value),
    toJSON: (field: F, value: StringOrList) => stringsToJson(multiple(field), value),
  };
}
