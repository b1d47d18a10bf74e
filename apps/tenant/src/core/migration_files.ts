/**
 * Writing migration files: an empty one to fill in (`migrate create NAME`), a snapshot of every
 * collection (`migrate collections`), and the ones automigrate writes in dev mode for each
 * collection change made through the API or the dashboard (recorded as applied: the change is
 * already in the database).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TenantApp } from './app.js';
import type { Collection } from './collection_model.js';
import { collectionToJSON } from './collection_json.js';
import type { Migrations } from './migrations.js';

/** Names a user may give a migration: letters, digits, `_` and `-` (anything else becomes `_`). */
export function migrationSlug(name: string): string {
  const slug = name.trim().replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 100);
  if (!slug) throw new Error('the migration needs a name of letters, digits, "_" or "-"');
  return slug;
}

/** Writes `<dir>/<unix seconds>_<slug>.js` (a later second when taken); returns the file name. */
export function writeMigration(dir: string, name: string, body: string, now: Date = new Date()): string {
  mkdirSync(dir, { recursive: true });
  const slug = migrationSlug(name);
  for (let t = Math.floor(now.getTime() / 1000); ; t++) {
    const file = `${t}_${slug}.js`;
    if (existsSync(join(dir, file))) continue;
    writeFileSync(join(dir, file), body, { flag: 'wx' });
    return file;
  }
}

/** An empty migration to fill in. */
export function blankMigration(): string {
  return `/**
 * A Burrow migration: up() applies it, down() reverts it; each runs in one transaction.
 * m.importCollections([...json]), m.deleteCollection(name), m.collection(name), m.exec(sql, ...params), m.app
 */
/** @param {import('@burrow/tenant').MigrationContext} m */
export function up(m) {
}

/** @param {import('@burrow/tenant').MigrationContext} m */
export function down(m) {
}
`;
}

/** A migration that imports every collection as it is now (down does nothing). */
export function snapshotMigration(app: TenantApp): string {
  const all = app.collections.all().map(exportable);
  return `/** Snapshot of every collection, written by \`burrow-tenant migrate collections\`. */
export function up(m) {
  m.importCollections(${json(all)}, false);
}

export function down() {
}
`;
}

/**
 * Dev-mode automigrate: every collection created, changed or deleted through the API (or the
 * dashboard) writes a migration doing the same, with a down() that undoes it, and records it as
 * applied. Changes made by migrations themselves are not written again.
 */
export function bindAutomigrate(app: TenantApp, migrations: Migrations): void {
  const write = (name: string, up: string, down: string) => {
    const file = writeMigration(migrations.dir, name, `/** Written by automigrate. */\nexport function up(m) {\n  ${up}\n}\n\nexport function down(m) {\n  ${down}\n}\n`, app.now());
    migrations.markApplied(file);
  };
  app.hooks.on<{ collection: Collection }>('OnCollectionAfterCreateSuccess', (e) => {
    if (!migrations.running) {
      write(`created_${e.collection.name}`, `m.importCollections([${json(exportable(e.collection))}], false);`, `m.deleteCollection(${json(e.collection.id)});`);
    }
    e.next();
  });
  app.hooks.on<{ collection: Collection; original?: Collection }>('OnCollectionAfterUpdateSuccess', (e) => {
    if (!migrations.running && e.original) {
      write(`updated_${e.collection.name}`, `m.importCollections([${json(exportable(e.collection))}], false);`, `m.importCollections([${json(exportable(e.original))}], false);`);
    }
    e.next();
  });
  app.hooks.on<{ collection: Collection }>('OnCollectionAfterDeleteSuccess', (e) => {
    if (!migrations.running) {
      write(`deleted_${e.collection.name}`, `m.deleteCollection(${json(e.collection.id)});`, `m.importCollections([${json(exportable(e.collection))}], false);`);
    }
    e.next();
  });
}

/** A collection's API JSON without the timestamps (they belong to each database). */
function exportable(c: Collection): Record<string, unknown> {
  const { created: _created, updated: _updated, ...rest } = collectionToJSON(c);
  return rest;
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, '\n  ');
}
