/** PocketBase's `sort` parameter: `-created,title,@random,@rowid` to ORDER BY terms. */
import { FilterError } from './errors.js';
import { quoteString } from './quote.js';
import type { FieldResolver, ResolvedOperand } from './resolver.js';

/** One sort term. */
export interface SortItem {
  field: string;
  desc: boolean;
}

/** Options of building an ORDER BY. */
export interface SortOptions {
  /** Most sort terms allowed (default 8, PocketBase's). */
  maxItems?: number;
  /** Longest field name allowed, in UTF-8 bytes (default 255). */
  maxFieldLength?: number;
  /** Table (name or alias) whose rowid `@rowid` sorts by; without it `_rowid_` is left unqualified. */
  rowidTable?: string;
}

/** PocketBase's default limit of sort terms. */
export const DEFAULT_MAX_SORT_ITEMS = 8;
/** PocketBase's limit of one sort field name's length. */
export const MAX_SORT_FIELD_LENGTH = 255;

/** Splits a sort string on commas; `-` means descending, a leading `+` is dropped. Empty text gives no items. */
export function parseSort(text: string): SortItem[] {
  if (text === '') return [];
  return text.split(',').map((part) => {
    const field = part.trim();
    if (field.startsWith('-')) return { field: field.slice(1), desc: true };
    return { field: field.startsWith('+') ? field.slice(1) : field, desc: false };
  });
}

/**
 * ORDER BY terms (without the keyword, '' when there are none): `@random` is RANDOM(), `@rowid`
 * the main table's rowid, anything else goes through the resolver and must resolve to a plain
 * column-like expression without params. Throws FilterError for limits and invalid fields.
 */
export function buildSort(input: string | SortItem[], resolver: FieldResolver, opts: SortOptions = {}): string {
  const items = typeof input === 'string' ? parseSort(input) : input;
  if (items.length > (opts.maxItems ?? DEFAULT_MAX_SORT_ITEMS)) {
    throw new FilterError('max sort expressions limit reached');
  }
  const maxFieldLength = opts.maxFieldLength ?? MAX_SORT_FIELD_LENGTH;
  return items
    .map((item) => {
      if (Buffer.byteLength(item.field, 'utf8') > maxFieldLength) {
        throw new FilterError('max sort field length limit reached');
      }
      return sortTerm(item, resolver, opts.rowidTable);
    })
    .join(', ');
}

function sortTerm(item: SortItem, resolver: FieldResolver, rowidTable: string | undefined): string {
  if (item.field === '@random') return 'RANDOM()';
  const direction = item.desc ? 'DESC' : 'ASC';
  if (item.field === '@rowid') {
    const table = rowidTable === undefined ? '' : `"${rowidTable.replaceAll('"', '""')}".`;
    return `${table}[_rowid_] ${direction}`;
  }

  // Built only when needed: an Error captures a stack trace, which is costly on this hot path.
  const invalid = () => new FilterError(`invalid sort field ${quoteString(item.field)}`);
  let resolved: ResolvedOperand;
  try {
    resolved = resolver.resolve(item.field);
  } catch (e) {
    if (e instanceof FilterError) throw invalid();
    throw e;
  }
  if (resolved.params.length > 0 || resolved.sql === '' || resolved.sql.toLowerCase() === 'null') throw invalid();
  return `${resolved.sql} ${direction}`;
}
