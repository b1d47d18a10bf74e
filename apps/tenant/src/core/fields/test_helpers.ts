/** Shared fixtures for the field handler tests (not used by production code). */
import Database from 'better-sqlite3';
import type { Field } from '../collection_model.js';
import type { CollectionRef, FieldHandler, OptionsContext, ValueContext } from './types.js';

/** Collections the fixtures know about. */
export const COLLECTIONS: CollectionRef[] = [
  { id: 'pbc_3259673726', name: 'posts', type: 'base' },
  { id: 'pbc_view000001', name: 'stats', type: 'view' },
];

/** A value context with records rec1..rec3 in posts; override what a test needs. */
export function valueCtx<V>(overrides: Partial<ValueContext<V>> = {}): ValueContext<V> {
  const existing = new Set(['rec000000000001', 'rec000000000002', 'rec000000000003']);
  return {
    isNew: true,
    findCollection: (idOrName) => COLLECTIONS.find((c) => c.id === idOrName || c.name === idOrName),
    existingRelIds: (_collectionId, ids) => new Set(ids.filter((id) => existing.has(id))),
    now: () => new Date('2024-05-06T07:08:09.123Z'),
    ...overrides,
  };
}

/** An options context for a new base collection holding `fields`. */
export function optionsCtx(fields: Field[], overrides: Partial<OptionsContext> = {}): OptionsContext {
  return {
    collection: { id: 'pbc_new', type: 'base', fields },
    findCollection: (idOrName) => COLLECTIONS.find((c) => c.id === idOrName || c.name === idOrName),
    ...overrides,
  };
}

/** Writes `value` through a real SQLite column built from columnDefinition and reads it back. */
export function sqliteRoundTrip<F extends Field, V>(handler: FieldHandler<F, V>, field: F, value: V): { stored: unknown; back: V } {
  const db = new Database(':memory:');
  try {
    db.exec(`CREATE TABLE t ("v" ${handler.columnDefinition(field)})`);
    db.prepare('INSERT INTO t (v) VALUES (?)').run(handler.toDb(field, value));
    const stored = (db.prepare('SELECT v FROM t').get() as { v: unknown }).v;
    return { stored, back: handler.fromDb(field, stored) };
  } finally {
    db.close();
  }
}

/** The column's default as SQLite applies it (insert without the column). */
export function sqliteDefault<F extends Field, V>(handler: FieldHandler<F, V>, field: F): unknown {
  const db = new Database(':memory:');
  try {
    db.exec(`CREATE TABLE t ("v" ${handler.columnDefinition(field)})`);
    db.prepare('INSERT INTO t DEFAULT VALUES').run();
    return (db.prepare('SELECT v FROM t').get() as { v: unknown }).v;
  } finally {
    db.close();
  }
}
