/**
 * The tables and columns prisma/schema.prisma describes, read from its text, so a test can
 * check that the hand-written migrations build exactly that (Prisma's own diff needs the
 * schema engine, which cannot run here).
 */

/** One scalar column a model declares. */
export interface ColumnShape {
  name: string;
  type: 'String' | 'Int' | 'DateTime' | 'Boolean' | 'BigInt' | 'Float';
  nullable: boolean;
}

/** A model as a table: its columns, primary key and unique/plain indexes. */
export interface TableShape {
  name: string;
  columns: ColumnShape[];
  primaryKey: string[];
  unique: string[][];
  indexes: string[][];
}

const SCALARS = new Set(['String', 'Int', 'DateTime', 'Boolean', 'BigInt', 'Float']);

/** Parses the model blocks of a Prisma schema (the subset Burrow's schema uses). */
export function tablesFromSchema(schema: string): TableShape[] {
  const tables: TableShape[] = [];
  for (const m of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const table: TableShape = { name: m[1], columns: [], primaryKey: [], unique: [], indexes: [] };
    for (const raw of m[2].split('\n')) {
      const line = raw.replace(/\/\/.*$/, '').trim();
      if (!line) continue;
      const block = /^@@(id|unique|index)\(\[([^\]]*)\]/.exec(line);
      if (block) {
        const cols = block[2].split(',').map((s) => s.trim());
        if (block[1] === 'id') table.primaryKey = cols;
        else (block[1] === 'unique' ? table.unique : table.indexes).push(cols);
        continue;
      }
      const field = /^(\w+)\s+(\w+)(\?|\[\])?(.*)$/.exec(line);
      if (!field || !SCALARS.has(field[2]) || field[3] === '[]') continue;
      table.columns.push({ name: field[1], type: field[2] as ColumnShape['type'], nullable: field[3] === '?' });
      if (/@id\b/.test(field[4])) table.primaryKey = [field[1]];
      if (/@unique\b/.test(field[4])) table.unique.push([field[1]]);
    }
    tables.push(table);
  }
  return tables;
}
