/** Quoting for error messages, close to Go's `%q` so messages read like PocketBase's. */

const NAMED_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
};

function escapeChar(ch: string, quote: string): string {
  if (ch === quote) return '\\' + quote;
  const named = NAMED_ESCAPES[ch];
  if (named !== undefined) return named;
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || cp === 0x7f) return '\\x' + cp.toString(16).padStart(2, '0');
  // C1 controls, line/paragraph separators, BOM and lone surrogates are not printable in Go either.
  if ((cp >= 0x80 && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff || (cp >= 0xd800 && cp <= 0xdfff)) {
    return '\\u' + cp.toString(16).padStart(4, '0');
  }
  return ch;
}

/** Double-quotes a string with Go-style escapes (`%q` of a string). */
export function quoteString(s: string): string {
  let out = '"';
  for (const ch of s) out += escapeChar(ch, '"');
  return out + '"';
}

/** Single-quotes one character with Go-style escapes (`%q` of a rune). */
export function quoteChar(ch: string): string {
  return "'" + escapeChar(ch, "'") + "'";
}
