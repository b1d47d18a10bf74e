/**
 * Value casting with the semantics of the Go libraries PocketBase uses on API input
 * (spf13/cast, strconv, tools/list), so that loosely typed input lands the same way.
 */

/** Go's strconv.FormatFloat(f, 'f', -1, 64): shortest digits, never an exponent. */
export function formatFloatF(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (Object.is(n, -0)) return '-0';
  const s = String(n);
  const e = s.indexOf('e');
  if (e < 0) return s;
  // JS switches to exponent form below 1e-6 and from 1e21: expand it with the same digits.
  const exp = Number(s.slice(e + 1));
  let mantissa = s.slice(0, e);
  const negative = mantissa.startsWith('-');
  if (negative) mantissa = mantissa.slice(1);
  const [int, frac = ''] = mantissa.split('.');
  const digits = int + frac;
  const out = exp < 0
    ? `0.${'0'.repeat(-exp - int.length)}${digits}`
    : digits + '0'.repeat(exp - frac.length);
  return negative ? `-${out}` : out;
}

/** Go's %v / strconv.FormatFloat(f, 'g', -1, 64): exponent form below 1e-4 and from 1e+06. */
export function formatFloatG(n: number): string {
  if (!Number.isFinite(n) || n === 0) return formatFloatF(n);
  const [mant, expStr] = n.toExponential().split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return `${mant}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  return formatFloatF(n);
}

const DECIMAL = /^[+-]?(?=\.?\d)(?:\d(?:_?\d)*)?(?:\.(?:\d(?:_?\d)*)?)?(?:[eE][+-]?\d(?:_?\d)*)?$/;
const HEX = /^([+-]?)0[xX](?:_?([0-9a-fA-F](?:_?[0-9a-fA-F])*)?)(?:\.([0-9a-fA-F](?:_?[0-9a-fA-F])*)?)?[pP]([+-]?\d(?:_?\d)*)$/;

/** Go's strconv.ParseFloat(s, 64); undefined on a syntax or range error. */
export function parseGoFloat(s: string): number | undefined {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (special) {
    if (special[2].toLowerCase() === 'nan') return NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  let value: number;
  if (DECIMAL.test(s)) {
    value = Number(s.replace(/_/g, ''));
  } else {
    const m = HEX.exec(s);
    if (!m || (!m[2] && !m[3])) return undefined;
    const int = (m[2] ?? '').replace(/_/g, '');
    const frac = (m[3] ?? '').replace(/_/g, '');
    const mantissa = Number.parseInt(int + frac || '0', 16);
    value = mantissa * 2 ** (Number(m[4].replace(/_/g, '')) - 4 * frac.length);
    if (m[1] === '-') value = -value;
  }
  // Overflow is a range error in Go (cast then falls back to 0).
  if (!Number.isFinite(value)) return undefined;
  return value;
}

/** spf13/cast ToFloat64: numbers as is, bools 1/0, numeric strings parsed, anything else 0. */
export function toGoFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return v === '' ? 0 : (parseGoFloat(v) ?? 0);
  return 0;
}

const TRUE_STRINGS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

/** spf13/cast ToBool: strconv.ParseBool for strings ("on"/"yes" are false), non-zero numbers true. */
export function toGoBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'string') return TRUE_STRINGS.has(v);
  return false;
}

/** spf13/cast ToString: numbers without exponent, bools "true"/"false", null and non-scalars "". */
export function toGoString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatFloatF(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return '';
}

/** The string form of one array item for cast.ToStringSlice, or undefined when it cannot be cast. */
function itemToString(v: unknown): string | undefined {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
    return toGoString(v);
  }
  return undefined;
}

/** Go's json.Unmarshal of a JSON array text into []string, or undefined on a syntax error. */
function unmarshalStringArray(text: string): { items: string[]; typeError: boolean } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null) return { items: [], typeError: false };
  if (!Array.isArray(parsed)) return { items: [], typeError: true };
  let typeError = false;
  // Mismatched items are left as "" and reported after the whole array is decoded.
  const items = parsed.map((item: unknown) => {
    if (typeof item === 'string') return item;
    if (item !== null) typeError = true;
    return '';
  });
  return { items, typeError };
}

/**
 * PocketBase's list.ToUniqueStringSlice: a string holding "[" is tried as a JSON array,
 * other strings become one item, arrays are cast item by item (a non-scalar item voids
 * the whole array), scalars become one item; empty strings and duplicates are dropped.
 */
export function toUniqueStringSlice(v: unknown): string[] {
  let result: string[] = [];
  if (v === null || v === undefined) {
    result = [];
  } else if (typeof v === 'string') {
    if (v === '') result = [];
    else if (v.includes('[')) {
      const decoded = unmarshalStringArray(v);
      if (!decoded) result = [v];
      else result = decoded.typeError ? [...decoded.items, v] : decoded.items;
    } else result = [v];
  } else if (Array.isArray(v)) {
    const items: string[] = [];
    for (const item of v) {
      const s = itemToString(item);
      if (s === undefined) return [];
      items.push(s);
    }
    result = items;
  } else {
    const s = itemToString(v);
    result = s === undefined ? [] : [s];
  }
  return nonzeroUniques(result);
}

/** Drops empty strings and later duplicates, keeping order. */
export function nonzeroUniques(list: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const s of list) {
    if (s === '' || seen.has(s)) continue;
    seen.add(s);
    out.push(s);
  }
  return out;
}

/** Number of Unicode code points (Go's utf8.RuneCountInString / len([]rune(s))). */
export function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Byte length of the UTF-8 encoding (Go's len(s)). */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
