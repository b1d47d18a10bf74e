/** JSON text as Go's encoding/json writes it for decoded values (sorted keys, HTML-safe). */

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const ESCAPES: Record<string, string> = {
  '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029',
};

// Go sorts map keys by their UTF-8 bytes.
const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

function encode(v: unknown): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean': return v ? 'true' : 'false';
    case 'number': return Number.isFinite(v) ? JSON.stringify(v) : undefined;
    case 'string': return JSON.stringify(v);
    case 'object': {
      if (Array.isArray(v)) return `[${v.map((item) => encode(item) ?? 'null').join(',')}]`;
      const src = v as Record<string, unknown>;
      const parts: string[] = [];
      // Built by hand: JS objects would reorder integer-like keys.
      for (const k of Object.keys(src).sort(byUtf8)) {
        const item = encode(src[k]);
        if (item !== undefined) parts.push(`${JSON.stringify(k)}:${item}`);
      }
      return `{${parts.join(',')}}`;
    }
    default: return undefined;
  }
}

/**
 * Go's json.Marshal of a value decoded from JSON: object keys sorted (Go maps), `<`, `>`,
 * `&`, U+2028 and U+2029 escaped. Undefined for values JSON cannot hold.
 */
export function goJsonMarshal(v: unknown): string | undefined {
  const text = encode(v);
  return text === undefined ? undefined : text.replace(HTML_UNSAFE, (c) => ESCAPES[c]);
}

/** True when `s` is one complete JSON value (Go's json.Valid). */
export function isValidJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
