/** Go's strconv.Quote, which PocketBase's json field uses to wrap plain text input. */

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const SHORT: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/**
 * Go's strconv.Quote: printable runes as is, short escapes for \a\b\f\n\r\t\v, `\xHH`
 * for other control bytes, `\uXXXX`/`\UXXXXXXXX` for other non-printable runes. The
 * `\x`, `\a`, `\v` and `\U` forms are not valid JSON, exactly as in PocketBase.
 */
export function goStrconvQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (PRINTABLE.test(ch)) out += ch;
    else if (SHORT[cp]) out += SHORT[cp];
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}
