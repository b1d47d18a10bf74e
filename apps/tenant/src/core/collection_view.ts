/** View collections: validating `viewQuery` and deriving the view's fields from it. */
import type { TenantApp } from './app.js';
import { idField } from './collection_defaults.js';
import type { Collection, Field } from './collection_model.js';
import { defaultFieldId, defaultsFor } from './fields/index.js';

interface ColumnInfo {
  name: string;
  column: string | null;
  table: string | null;
  type: string | null;
}

function describe(app: TenantApp, query: string): ColumnInfo[] {
  const stmt = app.store.data.db.prepare(query);
  if (!stmt.reader) throw new Error('The view query must be a SELECT statement.');
  return stmt.columns() as ColumnInfo[];
}

/** A message when the view query cannot be used, or undefined. */
export function viewQueryError(app: TenantApp, c: Collection): string | undefined {
  const query = (c.viewQuery ?? '').trim();
  if (!query) return 'Cannot be blank.';
  if (!/^(select|with)\b/i.test(query)) return 'The view query must be a single SELECT statement.';
  let cols: ColumnInfo[];
  try {
    cols = describe(app, query);
  } catch (err) {
    return `Invalid query - ${err instanceof Error ? err.message : String(err)}.`;
  }
  const names = new Set<string>();
  for (const col of cols) {
    if (names.has(col.name)) return `Duplicated column "${col.name}".`;
    if (!/^\w+$/.test(col.name)) return `Invalid column name "${col.name}" - use an alias with letters, digits and underscores.`;
    names.add(col.name);
  }
  if (!names.has('id')) return 'Missing required "id" column.';
  return undefined;
}

// Splits the top-level SELECT list of a query into alias -> expression (best effort: only
// used to type computed columns such as COUNT(...) or CAST(... AS INTEGER)).
function selectExpressions(query: string): Map<string, string> {
  const out = new Map<string, string>();
  const m = /^\s*(?:WITH[\s\S]*?\)\s*)?SELECT\s+(?:DISTINCT\s+)?([\s\S]*)$/i.exec(query);
  if (!m) return out;
  let depth = 0;
  let quote = '';
  let cur = '';
  const items: string[] = [];
  const body = m[1];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && ch === ',') {
      items.push(cur);
      cur = '';
      continue;
    } else if (depth === 0 && /^\sFROM\s/i.test(body.slice(i, i + 6))) break;
    cur += ch;
  }
  items.push(cur);
  for (const item of items) {
    const a = /^([\s\S]+?)\s+(?:AS\s+)?[`"[]?(\w+)[`"\]]?\s*$/i.exec(item.trim());
    if (a) out.set(a[2], a[1].trim());
  }
  return out;
}

function computedField(name: string, expr: string | undefined, declared: string | null): Field {
  const e = (expr ?? '').trim();
  const cast = /^CAST\s*\([\s\S]*\s+AS\s+(\w+)\s*\)$/i.exec(e)?.[1]?.toUpperCase();
  if (/^COUNT\s*\(/i.test(e) || (cast && /INT|REAL|NUM|FLOA|DOUB/.test(cast)) || (declared && /INT|REAL|NUM|FLOA|DOUB/i.test(declared))) {
    return defaultsFor('number', name);
  }
  if (cast === 'TEXT') return defaultsFor('text', name);
  if (cast === 'BOOLEAN' || cast === 'BOOL') return defaultsFor('bool', name);
  return defaultsFor('json', name);
}

/**
 * The fields of a view: columns that come straight from a collection's field copy that
 * field (renamed to the alias); computed columns become number (numeric expressions) or json.
 */
export function inferViewFields(app: TenantApp, c: Collection): Field[] {
  const query = (c.viewQuery ?? '').trim();
  const cols = describe(app, query);
  const exprs = selectExpressions(query);
  const previous = new Map(c.fields.map((f) => [f.name, f]));
  return cols.map((col) => {
    // The id of a view is always a text primary key, whatever column it comes from.
    if (col.name === 'id') return idField();
    const source = col.table ? app.collections.find(col.table) : undefined;
    const sourceField = source?.fields.find((f) => f.name === col.column);
    let field: Field;
    if (sourceField) {
      field = { ...structuredClone(sourceField), name: col.name, system: false };
      if (field.type === 'autodate' || col.name !== sourceField.name) field.id = defaultFieldId(field.type, col.name);
    } else {
      field = computedField(col.name, exprs.get(col.name), col.type);
    }
    const prev = previous.get(col.name);
    if (prev && prev.type === field.type) field.id = prev.id;
    return field;
  });
}

/** The collection and field a view column is read from (undefined for computed columns). */
export function viewColumnSource(app: TenantApp, c: Collection, column: string): { collection: Collection; field: Field } | undefined {
  const col = describe(app, (c.viewQuery ?? '').trim()).find((x) => x.name === column);
  const source = col?.table ? app.collections.find(col.table) : undefined;
  const field = source?.fields.find((f) => f.name === col?.column);
  return source && field ? { collection: source, field } : undefined;
}
