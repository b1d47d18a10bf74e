/** The `fields` query parameter: keeps only the listed JSON keys, with `:excerpt(max,ellipsis)`. */
import { isPlainObject } from '../types/objects.js';

type Modifier = { kind: 'excerpt'; max: number; ellipsis: boolean };

interface PickNode {
  children: Map<string, PickNode>;
  modifier?: Modifier;
}

/** Thrown for a malformed `fields` value. */
export class PickerError extends Error {}

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((p) => p.trim()).filter(Boolean);
}

function parseModifier(text: string): Modifier {
  const m = /^excerpt\(\s*(\d+)\s*(?:,\s*(true|false|1|0|t|f)\s*)?\)$/i.exec(text.trim());
  if (!m) throw new PickerError(`Unsupported field modifier "${text}".`);
  const max = Number(m[1]);
  if (max <= 0) throw new PickerError('Excerpt max must be greater than 0.');
  return { kind: 'excerpt', max, ellipsis: /^(true|1|t)$/i.test(m[2] ?? 'false') };
}

/** Parses a `fields` value into a tree; throws PickerError. */
export function parseFields(fields: string): PickNode {
  const root: PickNode = { children: new Map() };
  for (const item of splitTopLevel(fields)) {
    const colon = item.indexOf(':');
    const path = colon >= 0 ? item.slice(0, colon) : item;
    const modifier = colon >= 0 ? parseModifier(item.slice(colon + 1)) : undefined;
    let node = root;
    for (const key of path.split('.')) {
      if (!key) throw new PickerError(`Invalid field "${item}".`);
      let child = node.children.get(key);
      if (!child) {
        child = { children: new Map() };
        node.children.set(key, child);
      }
      node = child;
    }
    if (modifier) node.modifier = modifier;
  }
  return root;
}

/**
 * Plain text of HTML: tags dropped, script/style contents dropped, whitespace collapsed. One
 * forward pass (every search starts where the previous one ended), so hostile input such as
 * thousands of unclosed tags stays linear.
 */
export function htmlToText(html: string): string {
  const lower = html.toLowerCase();
  let out = '';
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      out += html.slice(i);
      break;
    }
    if (!/[a-zA-Z/!?]/.test(html[lt + 1] ?? '')) {
      // "a < b": not a tag
      out += html.slice(i, lt + 1);
      i = lt + 1;
      continue;
    }
    out += html.slice(i, lt) + ' ';
    const gt = html.indexOf('>', lt + 1);
    if (gt < 0) break; // an unclosed tag runs to the end
    const tag = /^<\s*(script|style)\b/.exec(lower.slice(lt, Math.min(gt + 1, lt + 16)));
    if (tag) {
      const close = lower.indexOf(`</${tag[1]}`, gt + 1);
      if (close < 0) break;
      const closeEnd = html.indexOf('>', close);
      i = closeEnd < 0 ? html.length : closeEnd + 1;
    } else {
      i = gt + 1;
    }
  }
  return out.replace(/\s+/g, ' ').trim();
}

/** Plain text excerpt of an HTML or text value. */
export function excerpt(value: string, max: number, ellipsis: boolean): string {
  const text = htmlToText(value);
  const chars = [...text];
  if (chars.length <= max) return text;
  const cut = chars.slice(0, max).join('').trimEnd();
  return ellipsis ? cut + '...' : cut;
}


function applyModifier(value: unknown, mod: Modifier): unknown {
  return typeof value === 'string' ? excerpt(value, mod.max, mod.ellipsis) : value;
}

function pickNode(value: unknown, node: PickNode): unknown {
  if (Array.isArray(value)) return value.map((v) => pickNode(v, node));
  if (!isPlainObject(value) || node.children.size === 0) return value;
  const star = node.children.get('*');
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const child = node.children.get(key) ?? star;
    if (!child) continue;
    const picked = child.children.size > 0 ? pickNode(v, child) : v;
    out[key] = child.modifier ? applyModifier(picked, child.modifier) : picked;
  }
  return out;
}

/**
 * Applies `fields` to a response body. A list result (`{page, perPage, items, ...}`) is
 * picked inside `items`, as PocketBase does.
 */
export function pickFields(data: unknown, fields: string): unknown {
  const tree = parseFields(fields);
  if (tree.children.size === 0) return data;
  if (isPlainObject(data) && Array.isArray(data.items) && 'page' in data && 'perPage' in data) {
    return { ...data, items: pickNode(data.items, tree) };
  }
  return pickNode(data, tree);
}
