/** The system tables of data.db, created on first boot (PocketBase's layout). */
import type { SqliteConnection } from './store.js';

const NOW = `(strftime('%Y-%m-%d %H:%M:%fZ'))`;

/** Creates `_migrations`, `_params` and `_collections` when missing; returns true on a new database. */
export function ensureSystemTables(db: SqliteConnection): boolean {
  const exists = db.get(`SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = '_collections'`);
  if (exists) return false;
  db.exec(`
    CREATE TABLE IF NOT EXISTS \`_migrations\` (file VARCHAR(255) PRIMARY KEY NOT NULL, applied INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS \`_params\` (
      \`id\` TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL,
      \`value\` JSON DEFAULT NULL,
      \`created\` TEXT DEFAULT ${NOW} NOT NULL,
      \`updated\` TEXT DEFAULT ${NOW} NOT NULL
    );
    CREATE TABLE IF NOT EXISTS \`_collections\` (
      \`id\` TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL,
      \`system\` BOOLEAN DEFAULT FALSE NOT NULL,
      \`type\` TEXT DEFAULT 'base' NOT NULL,
      \`name\` TEXT UNIQUE NOT NULL,
      \`fields\` JSON DEFAULT '[]' NOT NULL,
      \`indexes\` JSON DEFAULT '[]' NOT NULL,
      \`listRule\` TEXT DEFAULT NULL,
      \`viewRule\` TEXT DEFAULT NULL,
      \`createRule\` TEXT DEFAULT NULL,
      \`updateRule\` TEXT DEFAULT NULL,
      \`deleteRule\` TEXT DEFAULT NULL,
      \`options\` JSON DEFAULT '{}' NOT NULL,
      \`created\` TEXT DEFAULT ${NOW} NOT NULL,
      \`updated\` TEXT DEFAULT ${NOW} NOT NULL
    );
    CREATE INDEX IF NOT EXISTS idx__collections_type ON \`_collections\` (\`type\`);
  `);
  return true;
}

/** The auxiliary database's tables (request logs). */
export function ensureAuxTables(aux: SqliteConnection): void {
  aux.exec(`
    CREATE TABLE IF NOT EXISTS \`_logs\` (
      \`id\` TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL,
      \`level\` INTEGER DEFAULT 0 NOT NULL,
      \`message\` TEXT DEFAULT '' NOT NULL,
      \`data\` JSON DEFAULT '{}' NOT NULL,
      \`created\` TEXT DEFAULT ${NOW} NOT NULL
    );
    CREATE INDEX IF NOT EXISTS idx_logs_level ON \`_logs\` (\`level\`);
    CREATE INDEX IF NOT EXISTS idx_logs_created ON \`_logs\` (\`created\`);
  `);
}
