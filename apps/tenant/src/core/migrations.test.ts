/** Migrations: files applied in order in one transaction each, down, automigrate round trips, snapshots, TypeScript files. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { TenantApp } from './app.js';
import { collectionToJSON } from './collection_json.js';
import { collectionFromCreateInput, collectionFromUpdateInput } from './collection_input.js';
import { createCollection, deleteCollection, updateCollection } from './collection_save.js';
import { snapshotMigration, writeMigration } from './migration_files.js';

const roots: string[] = [];
after(() => roots.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A data dir and its migrations dir (in it). */
function open(opts: { dev?: boolean; root?: string } = {}): { app: TenantApp; root: string; migrations: string } {
  const root = opts.root ?? mkdtempSync(join(tmpdir(), 'migrations-'));
  if (!opts.root) roots.push(root);
  return { app: TenantApp.open({ dir: join(root, 'pb_data'), dev: opts.dev }), root, migrations: join(root, 'pb_data', 'migrations') };
}

function file(dir: string, name: string, body: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), body);
}

/** The user collections as their API JSON without timestamps, by name. */
function userCollections(app: TenantApp): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of app.collections.all().filter((x) => !x.system)) {
    const { created: _c, updated: _u, ...rest } = collectionToJSON(c);
    out[c.name] = rest;
  }
  return out;
}

const CREATE_POSTS = `export function up(m) { m.importCollections([{ name: 'posts', type: 'base', fields: [{ name: 'title', type: 'text' }] }]); }
export function down(m) { m.deleteCollection('posts'); }
`;

describe('migrations', () => {
  test('up applies pending files in timestamp order, each once; history; down reverts newest first', async () => {
    const { app, migrations } = open();
    try {
      file(migrations, '1700000000_create_posts.js', CREATE_POSTS);
      file(migrations, '1700000100_seed.js', `export function up(m) { m.exec("INSERT INTO posts (id, title) VALUES ('p1aaaaaaaaaaaaa', ?)", 'hello'); }
export function down(m) { m.exec("DELETE FROM posts WHERE id = 'p1aaaaaaaaaaaaa'"); }
`);
      file(migrations, 'README.md', 'not a migration');
      file(migrations, '900_early.mjs', `export function up(m) { m.exec("CREATE TABLE early (x)"); }\nexport function down(m) { m.exec("DROP TABLE early"); }\n`);
      assert.deepEqual(app.migrations.pending(), ['900_early.mjs', '1700000000_create_posts.js', '1700000100_seed.js'], 'numeric order, not text order');
      assert.deepEqual(await app.migrations.up(), ['900_early.mjs', '1700000000_create_posts.js', '1700000100_seed.js']);
      assert.equal(app.store.data.get<{ title: string }>('SELECT title FROM posts')?.title, 'hello');
      assert.deepEqual(await app.migrations.up(), [], 'nothing applied twice');
      assert.deepEqual(await app.migrations.down(2), ['1700000100_seed.js', '1700000000_create_posts.js']);
      assert.equal(app.collections.find('posts'), undefined);
      assert.deepEqual(app.migrations.applied(), ['900_early.mjs']);
      assert.deepEqual(await app.migrations.up(), ['1700000000_create_posts.js', '1700000100_seed.js']);
    } finally {
      app.close();
    }
  });

  test('a failing migration changes nothing of its own and stops the run; the earlier ones stay; the error names the file', async () => {
    const { app, migrations } = open();
    try {
      file(migrations, '1_ok.js', CREATE_POSTS);
      file(migrations, '2_broken.js', `export function up(m) {
  m.importCollections([{ name: 'half', type: 'base', fields: [] }]);
  m.exec('INSERT INTO nowhere VALUES (1)');
}
`);
      file(migrations, '3_later.js', `export function up(m) { m.exec('CREATE TABLE later (x)'); }\n`);
      await assert.rejects(app.migrations.up(), /migration 2_broken\.js: .*no such table: nowhere/);
      assert.ok(app.collections.find('posts'), 'the first one is kept');
      assert.equal(app.collections.find('half'), undefined, 'the failing one left nothing');
      assert.deepEqual(app.migrations.applied(), ['1_ok.js']);
      assert.deepEqual(app.migrations.pending(), ['2_broken.js', '3_later.js']);

      file(migrations, '2_broken.js', `export async function up(m) { m.exec('CREATE TABLE t (x)'); }\n`);
      await assert.rejects(app.migrations.up(), /must be synchronous/);
      assert.equal(app.store.data.get("SELECT name FROM sqlite_master WHERE name = 't'"), undefined);
      file(migrations, '2_broken.js', 'export function up( {');
      await assert.rejects(app.migrations.up(), /migration 2_broken\.js: cannot be loaded/);
      file(migrations, '2_broken.js', 'export const nothing = 1;\n');
      await assert.rejects(app.migrations.up(), /2_broken\.js: it exports no up\(\) function/);
    } finally {
      app.close();
    }
  });

  test('automigrate (dev): API changes write migrations, recorded as applied; down+up round-trips to identical collections', async () => {
    const { app, migrations } = open({ dev: true });
    try {
      const before = userCollections(app);
      const made = createCollection(app, collectionFromCreateInput({ name: 'notes', type: 'base', fields: [{ name: 'body', type: 'text' }], listRule: '' }).collection);
      const other = createCollection(app, collectionFromCreateInput({ name: 'tags', type: 'base', fields: [{ name: 'label', type: 'text', required: true }] }).collection);
      const current = app.collections.findById(made.id);
      assert.ok(current);
      updateCollection(app, current, collectionFromUpdateInput(current, { fields: [...collectionToJSON(current).fields as object[], { name: 'stars', type: 'number' }], indexes: ['CREATE INDEX idx_notes_body ON notes (body)'] }).collection);
      deleteCollection(app, other);
      const after = userCollections(app);
      const files = readdirSync(migrations).sort();
      assert.equal(files.length, 4);
      assert.match(files.join(' '), /_created_notes\.js .*_created_tags\.js|_created_tags\.js .*_created_notes\.js/);
      assert.ok(files.some((f) => f.endsWith('_updated_notes.js')) && files.some((f) => f.endsWith('_deleted_tags.js')));
      assert.deepEqual(app.migrations.pending(), [], 'written from the current state: applied already');

      assert.equal((await app.migrations.down(4)).length, 4);
      assert.deepEqual(userCollections(app), before, 'down: back to the start');
      assert.deepEqual(readdirSync(migrations).sort(), files, 'running migrations writes no new ones');
      assert.equal((await app.migrations.up()).length, 4);
      assert.deepEqual(userCollections(app), after, 'up again: identical collections');
    } finally {
      app.close();
    }
  });

  test('migrate collections: a snapshot that rebuilds the same collections in a new data dir; create writes a blank one', async () => {
    const source = open();
    const target = open();
    try {
      createCollection(source.app, collectionFromCreateInput({ name: 'books', type: 'base', fields: [{ name: 'title', type: 'text', max: 200 }], viewRule: '@request.auth.id != ""' }).collection);
      createCollection(source.app, collectionFromCreateInput({ name: 'readers', type: 'auth', fields: [{ name: 'nick', type: 'text' }] }).collection);
      const name = writeMigration(target.migrations, 'collections_snapshot', snapshotMigration(source.app));
      assert.match(name, /^\d+_collections_snapshot\.js$/);
      assert.deepEqual(await target.app.migrations.up(), [name]);
      assert.deepEqual(userCollections(target.app), userCollections(source.app));
      const blank = writeMigration(target.migrations, 'add things!', '');
      assert.match(blank, /^\d+_add_things\.js$/);
      const again = writeMigration(target.migrations, 'add things!', '');
      assert.notEqual(again, blank, 'a second one in the same second gets the next timestamp');
      assert.throws(() => writeMigration(target.migrations, '../..', ''), /needs a name/);
    } finally {
      source.app.close();
      target.app.close();
    }
  });

  test('TypeScript migrations are compiled with esbuild', async () => {
    const { app, migrations } = open();
    try {
      file(migrations, '1_typed.ts', `interface Ctx { exec(sql: string, ...p: unknown[]): void }
export function up(m: Ctx): void { m.exec('CREATE TABLE typed (x INTEGER)'); }
export function down(m: Ctx): void { m.exec('DROP TABLE typed'); }
`);
      assert.deepEqual(await app.migrations.up(), ['1_typed.ts']);
      assert.ok(app.store.data.get("SELECT name FROM sqlite_master WHERE name = 'typed'"));
      assert.ok(readFileSync(join(migrations, '1_typed.ts'), 'utf8').includes('interface'));
    } finally {
      app.close();
    }
  });
});
