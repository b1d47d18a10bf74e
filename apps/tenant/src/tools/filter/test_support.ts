/**
 * Test support (not used by the library): a fake field resolver over one `items` table, shaped like
 * PocketBase's record resolver results, and the SQLite schema it expects.
 */
import { FilterError } from './errors.js';
import { quoteString } from './quote.js';
import type { FieldResolver, ResolvedOperand } from './resolver.js';

/** Schema of the `items` table the fake resolver targets. */
export const ITEMS_SCHEMA = `CREATE TABLE items (
  id TEXT PRIMARY KEY, title TEXT, num NUMERIC, created TEXT, lon NUMERIC, lat NUMERIC,
  tags JSON, nums JSON, data JSON, email TEXT, emailVisibility BOOLEAN DEFAULT FALSE
)`;

/** FROM clause the resolver's joined aliases (`je_tags`, `je_nums`) live in. */
export const ITEMS_FROM = 'items LEFT JOIN json_each(items.tags) je_tags LEFT JOIN json_each(items.nums) je_nums';

function multiMatch(column: string): ResolvedOperand['multiMatch'] {
  return {
    sql: `SELECT __mm_je.value as multiMatchValue FROM items __mm_items LEFT JOIN json_each(__mm_items.${column}) __mm_je WHERE __mm_items.id = items.id`,
    params: [],
  };
}

const PLAIN_COLUMNS = new Set(['id', 'title', 'num', 'created', 'lon', 'lat', 'tags', 'nums']);

/** A resolver over `items`, mirroring the Go oracle used to record testdata/pocketbase_cases.json. */
export const itemsResolver: FieldResolver = {
  resolve(f: string): ResolvedOperand {
    if (PLAIN_COLUMNS.has(f)) return { sql: `items.${f}`, params: [] };
    switch (f) {
      case 'data':
        return { sql: "JSON_EXTRACT(items.data, '$')", params: [], noCoalesce: true };
      case 'data.a':
      case 'data.b':
        return { sql: `JSON_EXTRACT(items.data, '$.${f.slice(5)}')`, params: [], noCoalesce: true };
      case 'tags:length':
      case 'nums:length':
        return { sql: `json_array_length(items.${f.slice(0, 4)})`, params: [] };
      case 'tags:each':
      case 'nums:each':
        return { sql: `je_${f.slice(0, 4)}.value`, params: [], multiMatch: multiMatch(f.slice(0, 4)) };
      case 'tags:lower':
        return { sql: 'LOWER(items.tags)', params: [] };
      case 'email':
        return {
          sql: 'items.email',
          params: [],
          afterBuild: (e) => ({ sql: `((${e.sql}) AND (items.emailVisibility = TRUE))`, params: e.params }),
        };
      case '@request.body.x':
        return { sql: '?', params: ['abc'] };
      case '@request.body.empty':
        return { sql: '?', params: [''] };
      case '@request.body.x:lower':
        return { sql: 'LOWER(?)', params: ['AbC'] };
      case '@request.auth.id':
        return { sql: 'NULL', params: [] };
      case '@request.body.title:isset':
        return { sql: 'TRUE', params: [] };
    }
    throw new FilterError(`unknown field ${quoteString(f)}`);
  },
};

/** Valid filters over `items` exercising every feature; the starting points of mutation fuzzing. */
export const SEED_FILTERS: readonly string[] = [
  "title = 'abc'",
  'title != null && num > 5',
  `(title ~ 'a%' || title !~ "b_c") && num >= -1.5`,
  "tags:each ?= 'x' || tags:each = 'y'",
  'tags:each != nums:each && tags:each ?!= nums:each',
  "tags:each ~ 'a' && nums:each < 3 && 2 >= nums:each",
  'data.a = 1 && data != null || data.b ?= true',
  "email = 'a@b.c' || email != ''",
  "@request.body.x = title && @request.auth.id != '' && @request.body.empty = tags",
  '@request.body.x:lower ~ title || @request.body.title:isset = false',
  'created >= @todayStart && created <= @todayEnd || created > @now || created < @yesterday',
  'num = @hour || num != @weekday || num > @year && created ~ @monthStart',
  'geoDistance(lon, lat, 1.5, -2) < 100 && geoDistance(1,2,3,4) > num',
  "strftime('%Y-%m', created, 'start of month') = '2024-01' || strftime('%Y') != title",
  "tags:length > 1 && tags:lower ~ 'X' // trailing comment",
  '((title = "a" || title = "b") && (num > 1 || (num < -1 && num != 0))) || id ?~ \'%x\\\\%\'',
  "title = 'it\\'s' && title != \"say \\\"hi\\\"\" && title ~ 'a\\nb\\tc\\q'",
  "title ~ '50%' || title ~ '5\\\\%0' || title !~ '_a__b\\\\'",
  'true = null || NULL != FALSE && TRUE = 1',
  "'lit' = 'lit' && 1 < 2 && '' = null",
  "(title = 'a') (num = 1) || (id = 'x')",
  "title = 'a' // comment with ) and ' quote\n&& num = 1",
];

/** A small deterministic PRNG (mulberry32) returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  '(', ')', '((', '))', "'", '"', '\\', '&&', '||', '&', '|', '=', '!=', '?=', '?!=', '~', '!~', '?~', '<', '>=',
  '?>', '=!', '//', '/', '\n', '\t', '\r', ' ', ',', '-', '.', ':', '@', '#', '_', 'null', 'true', 'false', '1.5', '-0',
  '..', '007', 'title', 'tags:each', 'nums:each', 'data.a', 'email', '@now', '@collection.x.y', 'unknown',
  'geoDistance(', 'strftime(', 'foo(', "'%'", '"_"', 'é', '😀', '\u2028', '\x01', '\x7f', '\uFFFD',
];

/** A random mutation of a valid filter: inserted fragments, deletions, swaps, duplications. */
export function mutateFilter(rand: () => number, base: string): string {
  let s = base;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const at = (): number => Math.floor(rand() * (s.length + 1));
  const rounds = 1 + Math.floor(rand() * 4);
  for (let r = 0; r < rounds; r++) {
    const kind = rand();
    if (kind < 0.4) {
      const i = at();
      s = s.slice(0, i) + pick(FRAGMENTS) + s.slice(i);
    } else if (kind < 0.6) {
      const i = at();
      s = s.slice(0, i) + s.slice(i + 1 + Math.floor(rand() * 6));
    } else if (kind < 0.8) {
      const i = at();
      const j = at();
      const [a, b] = i < j ? [i, j] : [j, i];
      const k = Math.floor((a + b) / 2);
      s = s.slice(0, a) + s.slice(k, b) + s.slice(a, k) + s.slice(b);
    } else {
      const i = at();
      const j = Math.min(s.length, i + Math.floor(rand() * 12));
      s = s.slice(0, j) + s.slice(i, j) + s.slice(j);
    }
  }
  return s;
}

/** A random string over the language's alphabet plus some noise characters. */
export function randomFilter(rand: () => number, maxLength: number): string {
  const alphabet = "abz_@#.:0189-'\"\\()=!?<>~&|/ \n\t,é😀\r";
  const chars = Array.from(alphabet);
  const n = Math.floor(rand() * maxLength);
  let s = '';
  for (let i = 0; i < n; i++) s += rand() < 0.3 ? FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)] : chars[Math.floor(rand() * chars.length)];
  return s;
}
