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
