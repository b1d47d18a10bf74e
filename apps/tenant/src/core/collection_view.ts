/** View collections: validating `viewQuery` and deriving the view's fields from it. */
import type { TenantApp } from './app.js';
import { defaultFieldId } from './collection_defaults.js';
import type { Collection, Field, JsonField, NumberField } from './collection_model.js';

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

function jsonField(name: string): JsonField {
  return { hidden: false, id: defaultFieldId('json', name), maxSize: 1, name, presentable: false, required: false, system: false, type: 'json' };
}

function numberField(name: string): NumberField {
  return {
    hidden: false, id: defaultFieldId('number', name), max: null, min: null, name, onlyInt: false, presentable: false,
    required: false, system: false, type: 'number',
  };
}

/**
 * The fields of a view: columns that come straight from a collection's field copy that
 * field (renamed to the alias); computed columns become number (numeric expressions) or json.
 */
export function inferViewFields(app: TenantApp, c: Collection): Field[] {
  const cols = describe(app, (c.viewQuery ?? '').trim());
  const previous = new Map(c.fields.map((f) => [f.name, f]));
  return cols.map((col) => {
    const source = col.table ? app.collections.find(col.table) : undefined;
    const sourceField = source?.fields.find((f) => f.name === col.column);
    let field: Field;
    if (sourceField) {
      field = { ...structuredClone(sourceField), name: col.name, system: false };
      if (field.type === 'autodate' || col.name !== sourceField.name) field.id = defaultFieldId(field.type, col.name);
      if (col.name === 'id' && field.type === 'text') field = { ...field, system: true, primaryKey: true };
    } else if (col.type && /INT|REAL|NUM|FLOA|DOUB/i.test(col.type)) {
      field = numberField(col.name);
    } else {
      field = jsonField(col.name);
    }
    const prev = previous.get(col.name);
    if (prev && prev.type === field.type) field.id = prev.id;
    return field;
  });
}
