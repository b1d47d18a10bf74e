/** The in-memory registry of collections, loaded from `_collections` and kept in sync with it. */
import { collectionFromRow, collectionToRow, COLLECTION_COLUMNS } from './collection_json.js';
import type { Collection } from './collection_model.js';
import type { SqliteConnection } from './store.js';

/** Collections by id and by (case-insensitive) name. */
export class CollectionRegistry {
  private byId = new Map<string, Collection>();
  private byName = new Map<string, Collection>();
  private ordered: Collection[] = [];

  constructor(private readonly db: SqliteConnection) {}

  /** (Re)loads every collection from the database. */
  load(): void {
    const rows = this.db.all(`SELECT * FROM _collections ORDER BY rowid`);
    this.byId = new Map();
    this.byName = new Map();
    this.ordered = [];
    for (const row of rows) this.remember(collectionFromRow(row));
  }

  private remember(c: Collection): void {
    this.byId.set(c.id, c);
    this.byName.set(c.name.toLowerCase(), c);
    this.ordered.push(c);
  }

  /** All collections in creation order. */
  all(): readonly Collection[] {
    return this.ordered;
  }

  /** By id, or by name ignoring case (PocketBase's FindCollectionByNameOrId). */
  find(idOrName: string): Collection | undefined {
    return this.byId.get(idOrName) ?? this.byName.get(idOrName.toLowerCase());
  }

  /** By id only. */
  findById(id: string): Collection | undefined {
    return this.byId.get(id);
  }

  /** Inserts or replaces the row of a collection and refreshes the registry. */
  persist(c: Collection, isNew: boolean): void {
    const values = collectionToRow(c);
    if (isNew) {
      const cols = COLLECTION_COLUMNS.map((n) => '`' + n + '`').join(', ');
      this.db.run(`INSERT INTO _collections (${cols}) VALUES (${COLLECTION_COLUMNS.map(() => '?').join(', ')})`, values);
    } else {
      const sets = COLLECTION_COLUMNS.slice(1).map((n) => '`' + n + '` = ?').join(', ');
      this.db.run(`UPDATE _collections SET ${sets} WHERE id = ?`, [...values.slice(1), c.id]);
    }
    this.load();
  }

  /** Deletes the row of a collection and refreshes the registry. */
  remove(id: string): void {
    this.db.run(`DELETE FROM _collections WHERE id = ?`, [id]);
    this.load();
  }
}
