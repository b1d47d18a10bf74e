/** Keeps each collection's SQLite table (or view) in step with its definition. */
import Database from 'better-sqlite3';
import { parseIndex, renderIndex } from '../tools/dbutil/index_parser.js';
import { fieldError, ValidationError } from '../tools/router/api_error.js';
import type { Collection, Field } from './collection_model.js';
import { isMultiValued } from './collection_model.js';
import { columnDefinition } from './field_ops.js';
import type { SqliteConnection } from './store.js';
import { quoteId } from './store.js';

function indexNames(c: Collection): string[] {
  return c.indexes.map((sql) => parseIndex(sql)?.indexName).filter((n): n is string => Boolean(n));
}

function createIndexes(db: SqliteConnection, c: Collection): void {
  c.indexes.forEach((sql, i) => {
    const def = parseIndex(sql);
    if (!def) return;
    try {
      db.exec(renderIndex(def, c.name));
    } catch (err) {
      // e.g. an unknown column in WHERE, an unknown collation, a name used by another index
      if (err instanceof Database.SqliteError) {
        throw new ValidationError({ indexes: { [String(i)]: fieldError('validation_invalid_index_expression', `Invalid index: ${err.message}.`) } });
      }
      throw err;
    }
  });
}

// Runs table DDL; SQLite's refusals (e.g. a name taken by an index) become a name error.
function execTableDdl(db: SqliteConnection, sql: string): void {
  try {
    db.exec(sql);
  } catch (err) {
    if (err instanceof Database.SqliteError) {
      throw new ValidationError({ name: fieldError('validation_collection_name_invalid', `Invalid collection name: ${err.message}.`) });
    }
    throw err;
  }
}

function dropIndexes(db: SqliteConnection, c: Collection): void {
  for (const name of indexNames(c)) db.exec(`DROP INDEX IF EXISTS ${quoteId(name)}`);
}

/** Creates the table (base/auth) or view of a new collection, with its indexes. */
export function createCollectionSchema(db: SqliteConnection, c: Collection): void {
  if (c.type === 'view') {
    execTableDdl(db, `CREATE VIEW ${quoteId(c.name)} AS ${c.viewQuery ?? ''}`);
    return;
  }
  const cols = c.fields.map((f) => `${quoteId(f.name)} ${columnDefinition(f)}`);
  execTableDdl(db, `CREATE TABLE ${quoteId(c.name)} (${cols.join(', ')})`);
  createIndexes(db, c);
}

/** Drops a collection's table or view. */
export function dropCollectionSchema(db: SqliteConnection, c: Collection): void {
  if (c.type === 'view') db.exec(`DROP VIEW IF EXISTS ${quoteId(c.name)}`);
  else {
    dropIndexes(db, c);
    db.exec(`DROP TABLE IF EXISTS ${quoteId(c.name)}`);
  }
  db.clearCache();
}

// SQL that converts a column's stored value when a field switches between single and multiple.
function conversionExpr(col: string, from: Field, to: Field): string {
  const wasMulti = isMultiValued(from);
  const isMulti = isMultiValued(to);
  if (!wasMulti && isMulti) {
    return `CASE WHEN ${col} IS NULL OR ${col} = '' THEN '[]' WHEN json_valid(${col}) AND json_type(${col}) = 'array' THEN ${col} ELSE json_array(${col}) END`;
  }
  if (wasMulti && !isMulti) {
    return `CASE WHEN json_valid(${col}) AND json_type(${col}) = 'array' THEN COALESCE(json_extract(${col}, '$[#-1]'), '') ELSE COALESCE(${col}, '') END`;
  }
  return col;
}

/**
 * Applies the difference between two versions of a collection: table rename, column renames
 * (data kept), drops, additions, multiplicity changes (values converted), indexes rebuilt.
 * Runs inside the caller's transaction.
 */
export function updateCollectionSchema(db: SqliteConnection, oldC: Collection, newC: Collection): void {
  if (oldC.type === 'view' || newC.type === 'view') {
    db.exec(`DROP VIEW IF EXISTS ${quoteId(oldC.name)}`);
    createCollectionSchema(db, newC);
    db.clearCache();
    return;
  }
  dropIndexes(db, oldC);
  let table = oldC.name;
  if (oldC.name !== newC.name) {
    // Renaming through a temporary name allows a case-only rename.
    const tmp = `_tmp_rename_${newC.id}`;
    db.exec(`ALTER TABLE ${quoteId(table)} RENAME TO ${quoteId(tmp)}`);
    execTableDdl(db, `ALTER TABLE ${quoteId(tmp)} RENAME TO ${quoteId(newC.name)}`);
    table = newC.name;
  }
  const t = quoteId(table);
  const oldById = new Map(oldC.fields.map((f) => [f.id, f]));
  const newIds = new Set(newC.fields.map((f) => f.id));

  for (const f of oldC.fields) {
    if (!newIds.has(f.id)) db.exec(`ALTER TABLE ${t} DROP COLUMN ${quoteId(f.name)}`);
  }
  // Two passes through temporary names so that swapped names do not collide.
  const renamed = newC.fields.filter((f) => oldById.has(f.id) && oldById.get(f.id)!.name !== f.name);
  for (const f of renamed) db.exec(`ALTER TABLE ${t} RENAME COLUMN ${quoteId(oldById.get(f.id)!.name)} TO ${quoteId('_tmp_' + f.id)}`);
  for (const f of renamed) db.exec(`ALTER TABLE ${t} RENAME COLUMN ${quoteId('_tmp_' + f.id)} TO ${quoteId(f.name)}`);

  for (const f of newC.fields) {
    const prev = oldById.get(f.id);
    if (!prev) {
      db.exec(`ALTER TABLE ${t} ADD COLUMN ${quoteId(f.name)} ${columnDefinition(f)}`);
      continue;
    }
    if (columnDefinition(prev) === columnDefinition(f)) continue;
    const tmp = quoteId('_tmp_conv_' + f.id);
    const col = quoteId(f.name);
    db.exec(`ALTER TABLE ${t} ADD COLUMN ${tmp} ${columnDefinition(f)}`);
    db.exec(`UPDATE ${t} SET ${tmp} = ${conversionExpr(col, prev, f)}`);
    db.exec(`ALTER TABLE ${t} DROP COLUMN ${col}`);
    db.exec(`ALTER TABLE ${t} RENAME COLUMN ${tmp} TO ${col}`);
  }
  createIndexes(db, newC);
  db.clearCache();
}
