/** Parses and renders `CREATE INDEX` statements as collections declare them. */

/** One indexed column or expression. */
export interface IndexColumn {
  name: string;
  collate: string;
  sort: '' | 'ASC' | 'DESC';
}

/** A parsed index definition. */
export interface IndexDef {
  unique: boolean;
  optional: boolean;
  schemaName: string;
  indexName: string;
  tableName: string;
  columns: IndexColumn[];
  where: string;
}

const INDEX_RE =
  /^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(IF\s+NOT\s+EXISTS\s+)?([`"'[]?[\w.]+[`"'\]]?(?:\.[`"'[]?\w+[`"'\]]?)?)\s+ON\s+([`"'[]?\w+[`"'\]]?)\s*\(([\s\S]*?)\)\s*(?:WHERE\s+([\s\S]+?))?\s*;?\s*$/i;

function unquote(s: string): string {
  return s.trim().replace(/^[`"'[]|[`"'\]]$/g, '');
}

// Splits on commas that are not inside parentheses or quotes.
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let cur = '';
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch;
    } else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur);
  return out;
}

/** Parses an index statement; returns undefined when it is not a valid single CREATE INDEX. */
export function parseIndex(sql: string): IndexDef | undefined {
  if (hasStatementBreak(sql)) return undefined;
  const m = INDEX_RE.exec(sql);
  if (!m) return undefined;
  const [, unique, optional, fullName, table, cols, where] = m;
  const nameParts = fullName.split('.');
  const indexName = unquote(nameParts[nameParts.length - 1]);
  const schemaName = nameParts.length > 1 ? unquote(nameParts[0]) : '';
  const columns: IndexColumn[] = [];
  for (const raw of splitTopLevel(cols)) {
    let part = raw.trim();
    let sort: IndexColumn['sort'] = '';
    const sortMatch = /\s+(ASC|DESC)$/i.exec(part);
    if (sortMatch) {
      sort = sortMatch[1].toUpperCase() as IndexColumn['sort'];
      part = part.slice(0, sortMatch.index).trim();
    }
    let collate = '';
    const collateMatch = /\s+COLLATE\s+(\w+)$/i.exec(part);
    if (collateMatch) {
      collate = collateMatch[1];
      part = part.slice(0, collateMatch.index).trim();
    }
    const name = /^[`"[]?\w+[`"\]]?$/.test(part) ? unquote(part) : part;
    if (!name) return undefined;
    columns.push({ name, collate, sort });
  }
  if (columns.length === 0 || !/^\w+$/.test(indexName)) return undefined;
  return {
    unique: Boolean(unique), optional: Boolean(optional), schemaName, indexName, tableName: unquote(table),
    columns, where: (where ?? '').trim(),
  };
}

// A ';' outside quotes (other than a trailing one) would start a second statement, and a
// comment could hide one from this parser: both make the definition invalid.
function hasStatementBreak(sql: string): boolean {
  let quote = '';
  const s = sql.trim().replace(/;\s*$/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === ';') return true;
    else if ((ch === '-' && s[i + 1] === '-') || (ch === '/' && s[i + 1] === '*')) return true;
  }
  return quote !== '';
}

/** True when one of `indexes` is a UNIQUE index on exactly `column` (without a WHERE clause). */
export function hasUniqueIndexOn(indexes: readonly string[], column: string): boolean {
  return indexes.some((sql) => {
    const def = parseIndex(sql);
    return Boolean(def?.unique && !def.where && def.columns.length === 1 && def.columns[0].name.toLowerCase() === column.toLowerCase());
  });
}

/** Renders an index definition back to SQL (for a given table name). */
export function renderIndex(def: IndexDef, tableName = def.tableName): string {
  const cols = def.columns
    .map((c) => {
      let s = /^\w+$/.test(c.name) ? '`' + c.name + '`' : c.name;
      if (c.collate) s += ' COLLATE ' + c.collate;
      if (c.sort) s += ' ' + c.sort;
      return s;
    })
    .join(', ');
  let sql = `CREATE ${def.unique ? 'UNIQUE ' : ''}INDEX ${def.optional ? 'IF NOT EXISTS ' : ''}\`${def.indexName}\` ON \`${tableName}\` (${cols})`;
  if (def.where) sql += ' WHERE ' + def.where;
  return sql;
}
