/** PocketBase's LIKE value handling: `%` wrapping and escaping unless the value has its own `%`. */
import type { SqlValue } from './sql.js';

/**
 * The pattern a right-hand LIKE parameter binds as. A value without an unescaped `%` gets its
 * `\`, `%` and `_` escaped (for `ESCAPE '\'`) and is wrapped in `%...%`; otherwise it is used as is.
 */
export function likePattern(value: SqlValue): string {
  const text = goString(value);
  if (hasUnescapedChar(text, '%')) return text;
  return '%' + escapeUnescaped(text, ['\\', '%', '_']) + '%';
}

/** Whether `ch` occurs not preceded by a backslash (a `\\` pair escapes nothing). */
function hasUnescapedChar(text: string, ch: string): boolean {
  let prev = '';
  for (const c of text) {
    if (c === ch && prev !== '\\') return true;
    prev = c === '\\' && prev === '\\' ? '' : c;
  }
  return false;
}

/**
 * Prefixes each listed character with `\` unless a backslash already precedes it. Mirrors
 * PocketBase's right-to-left walk, including its quirk: a character directly before an escaped
 * one is never escaped itself (`a__b` becomes `a_\_b`).
 */
function escapeUnescaped(text: string, chars: string[]): string {
  const runes = Array.from(text);
  const out: string[] = [];
  let pending = false; // the character to the right needs a backslash unless this one is it
  for (let i = runes.length - 1; i >= 0; i--) {
    const c = runes[i];
    if (pending) {
      if (c !== '\\') out.push('\\');
      pending = false;
    } else if (chars.includes(c)) {
      pending = true;
    }
    out.push(c);
    if (i === 0 && pending) out.push('\\');
  }
  return out.reverse().join('');
}

/** A parameter value as Go's cast.ToString renders it (floats without exponent, null as ''). */
export function goString(value: SqlValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  return formatFloat(value);
}

/** strconv.FormatFloat(f, 'f', -1, 64): shortest round-trip digits, never exponent notation. */
function formatFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (Object.is(n, -0)) return '-0';
  const s = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (m === null) return s;
  const [, sign, intDigit, frac = '', expText] = m;
  const digits = intDigit + frac;
  const point = 1 + Number(expText); // position of the decimal point within `digits`
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
