/** Code point range sets and the named classes of Go's regexp syntax (Perl, POSIX, Unicode). */

/** The largest Unicode code point. */
export const MAX_RUNE = 0x10ffff;

/** Sorts and merges [lo, hi] pairs into a canonical range list. */
export function normalizeRanges(pairs: number[]): number[] {
  const items: Array<[number, number]> = [];
  for (let i = 0; i < pairs.length; i += 2) items.push([pairs[i], pairs[i + 1]]);
  items.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: number[] = [];
  for (const [lo, hi] of items) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1] + 1) {
      if (hi > out[n - 1]) out[n - 1] = hi;
    } else {
      out.push(lo, hi);
    }
  }
  return out;
}

/** The complement of a canonical range list within [0, MAX_RUNE]. */
export function negateRanges(ranges: number[]): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    if (ranges[i] > next) out.push(next, ranges[i] - 1);
    next = ranges[i + 1] + 1;
  }
  if (next <= MAX_RUNE) out.push(next, MAX_RUNE);
  return out;
}

/** True when `cp` lies in a canonical range list (binary search). */
export function rangesContain(ranges: number[], cp: number): boolean {
  let lo = 0;
  let hi = ranges.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < ranges[mid * 2]) hi = mid - 1;
    else if (cp > ranges[mid * 2 + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

// ---- simple case folding -------------------------------------------------------------

let orbits: Map<number, number[]> | undefined;
let orbitKeys: number[] | undefined;

// Turkic dotted/dotless i have no simple case folding in Go (CaseFolding.txt status T).
const NO_FOLD = new Set([0x130, 0x131]);

function buildOrbits(): Map<number, number[]> {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r) as number;
    return r;
  };
  const union = (a: number, b: number): void => {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  // Cased letters all live below U+20000.
  for (let cp = 0; cp < 0x20000; cp++) {
    if ((cp >= 0xd800 && cp <= 0xdfff) || NO_FOLD.has(cp)) continue;
    const s = String.fromCodePoint(cp);
    for (const t of [s.toLowerCase(), s.toUpperCase()]) {
      if (t === s) continue;
      const other = t.codePointAt(0) as number;
      if (t.length !== String.fromCodePoint(other).length || NO_FOLD.has(other)) continue;
      union(cp, other);
    }
  }
  const groups = new Map<number, number[]>();
  for (const cp of parent.keys()) {
    const r = find(cp);
    const g = groups.get(r);
    if (g) g.push(cp);
    else groups.set(r, [cp]);
  }
  const result = new Map<number, number[]>();
  for (const g of groups.values()) {
    g.sort((a, b) => a - b);
    for (const cp of g) result.set(cp, g);
  }
  return result;
}

/** The case-folding orbit of `cp` (all code points equal to it ignoring case), or undefined when it has none. */
export function foldOrbit(cp: number): number[] | undefined {
  if (!orbits) orbits = buildOrbits();
  return orbits.get(cp);
}

/** Adds the case-folding orbits of every code point in `ranges` (Go's appendFoldedClass). */
export function foldRanges(ranges: number[]): number[] {
  if (!orbits) orbits = buildOrbits();
  if (!orbitKeys) orbitKeys = [...orbits.keys()].sort((a, b) => a - b);
  const extra: number[] = [];
  for (let i = 0; i < ranges.length; i += 2) {
    const lo = ranges[i];
    const hi = ranges[i + 1];
    // Binary search the first orbit key >= lo, then walk the keys inside the range.
    let a = 0;
    let b = orbitKeys.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (orbitKeys[m] < lo) a = m + 1;
      else b = m;
    }
    for (let k = a; k < orbitKeys.length && orbitKeys[k] <= hi; k++) {
      for (const o of orbits.get(orbitKeys[k]) as number[]) extra.push(o, o);
    }
  }
  return extra.length === 0 ? ranges : normalizeRanges([...ranges, ...extra]);
}

// ---- named classes ---------------------------------------------------------------------

/** Perl classes \d \s \w (ASCII, as in Go). */
export const PERL_CLASSES: Record<string, number[]> = {
  d: [0x30, 0x39],
  s: [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20],
  w: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
};

/** POSIX classes [:name:] (ASCII, as in Go). */
export const POSIX_CLASSES: Record<string, number[]> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0x00, 0x7f],
  blank: [0x09, 0x09, 0x20, 0x20],
  cntrl: [0x00, 0x1f, 0x7f, 0x7f],
  digit: [0x30, 0x39],
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x09, 0x0d, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

// Go's unicode.Categories keys; any other name must be a script.
const GO_CATEGORIES = new Set([
  'C', 'Cc', 'Cf', 'Co', 'Cs', 'L', 'Ll', 'Lm', 'Lo', 'Lt', 'Lu', 'M', 'Mc', 'Me', 'Mn',
  'N', 'Nd', 'Nl', 'No', 'P', 'Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps', 'S', 'Sc', 'Sk',
  'Sm', 'So', 'Z', 'Zl', 'Zp', 'Zs',
]);

const unicodeCache = new Map<string, number[] | null>();

function scanProperty(re: RegExp): number[] {
  const out: number[] = [];
  let start = -1;
  for (let cp = 0; cp <= MAX_RUNE + 1; cp++) {
    const inside = cp <= MAX_RUNE && re.test(String.fromCodePoint(cp));
    if (inside && start < 0) start = cp;
    else if (!inside && start >= 0) {
      out.push(start, cp - 1);
      start = -1;
    }
  }
  return out;
}

/**
 * Ranges of a Unicode class name as Go accepts it after \p (general category, script or
 * "Any"), or undefined for an unknown name. Materialised once per name from V8's tables.
 */
export function unicodeClass(name: string): number[] | undefined {
  if (name === 'Any') return [0, MAX_RUNE];
  const cached = unicodeCache.get(name);
  if (cached !== undefined) return cached ?? undefined;
  let ranges: number[] | null = null;
  if (!/^[A-Za-z_]+$/.test(name)) ranges = null;
  else if (name === 'C') {
    // Go's C is Cc|Cf|Co|Cs (unassigned code points are not included, unlike \p{C} in JS).
    ranges = normalizeRanges(['Cc', 'Cf', 'Co', 'Cs'].flatMap((n) => unicodeClass(n) ?? []));
  } else if (GO_CATEGORIES.has(name)) {
    ranges = scanProperty(new RegExp(`^\\p{gc=${name}}$`, 'u'));
  } else {
    try {
      ranges = scanProperty(new RegExp(`^\\p{Script=${name}}$`, 'u'));
    } catch {
      ranges = null;
    }
  }
  unicodeCache.set(name, ranges);
  return ranges ?? undefined;
}
