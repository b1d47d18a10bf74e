/** `burrow-tenant migrate ...` and `serve` applying migrations at start, as a user runs them. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startTenant, TENANT_BIN } from '../support/processes.js';

const roots: string[] = [];
after(() => roots.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(): { dir: string; migrations: string } {
  const root = mkdtempSync(join(tmpdir(), 'burrow-migrate-'));
  roots.push(root);
  return { dir: join(root, 'pb_data'), migrations: join(root, 'pb_data', 'migrations') };
}

function cli(...args: string[]) {
  return spawnSync(process.execPath, [TENANT_BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
}

test('migrate create, up, history, down; bad input exits 1 with a message', () => {
  const { dir, migrations } = project();
  let r = cli('migrate', 'create', 'add posts', '--dir', dir);
  assert.equal(r.status, 0, r.stderr);
  const [created] = readdirSync(migrations);
  assert.match(created, /^\d+_add_posts\.js$/);
  assert.match(readFileSync(join(migrations, created), 'utf8'), /export function up\(m\)/);
  writeFileSync(join(migrations, created), `export function up(m) { m.importCollections([{ name: 'posts', type: 'base', listRule: '', fields: [{ name: 'title', type: 'text' }] }]); }
export function down(m) { m.deleteCollection('posts'); }
`);
  r = cli('migrate', 'history', '--dir', dir);
  assert.match(r.stdout, new RegExp(`pending  ${created}`));
  r = cli('migrate', 'up', '--dir', dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Applied 1 migration\(s\)/);
  assert.match(cli('migrate', 'history', '--dir', dir).stdout, new RegExp(`applied  ${created}`));
  r = cli('migrate', 'down', '--dir', dir);
  assert.match(r.stdout, new RegExp(`Reverted 1 migration\\(s\\):\\n  ${created}`));
  for (const [args, message] of [[['migrate'], /migrate needs one of/], [['migrate', 'down', 'x'], /count of at least 1/], [['migrate', 'create'], /needs a NAME/]] as const) {
    r = cli(...args, '--dir', dir);
    assert.equal(r.status, 1, args.join(' '));
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('serve applies pending migrations before it listens; a failing one stops it with the file named, data unchanged', async () => {
  const { dir, migrations } = project();
  mkdirSync(migrations, { recursive: true });
  writeFileSync(join(migrations, '1700000000_posts.js'), `export function up(m) { m.importCollections([{ name: 'posts', type: 'base', listRule: '', fields: [{ name: 'title', type: 'text' }] }]); }\n`);
  const server = await startTenant({ dir });
  try {
    assert.match(server.output(), /Applied 1 migration\(s\): 1700000000_posts\.js/);
    const res = await fetch(`${server.url}/api/collections/posts/records`);
    assert.equal(res.status, 200);
  } finally {
    await server.stop();
  }
  writeFileSync(join(migrations, '1700000100_broken.js'), `export function up(m) { m.importCollections([{ name: 'drafts', type: 'base', fields: [] }]); m.exec('nonsense'); }\n`);
  const r = cli('serve', '--http', '127.0.0.1:0', '--dir', dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /migration 1700000100_broken\.js: .*syntax error/);
  assert.match(cli('migrate', 'history', '--dir', dir).stdout, /pending  1700000100_broken\.js/);
  assert.doesNotMatch(cli('migrate', 'collections', '--dir', dir).stdout, /drafts/);
  const snapshot = readdirSync(migrations).find((f) => f.endsWith('_collections_snapshot.js')) ?? '';
  assert.doesNotMatch(readFileSync(join(migrations, snapshot), 'utf8'), /drafts/, 'the failed migration left no collection');
  assert.match(readFileSync(join(migrations, snapshot), 'utf8'), /"name": "posts"/);
});

test('serve loads the app code in hooks/ (routes and hooks, output in the log); a broken file stops the start naming it', async () => {
  const { dir } = project();
  const hooks = join(dir, 'hooks');
  mkdirSync(hooks, { recursive: true });
  writeFileSync(join(hooks, 'routes.js'), `export default (app, { requireAuth, badRequest }) => {
  console.log('hooks: routes loaded');
  app.onServe((e) => {
    e.router.get('/api/hello/{name}', (r) => ({ hello: r.params.name }));
    e.router.get('/api/private', () => ({ ok: true }), requireAuth());
    e.next();
  });
  app.onRecordCreateRequest((e) => { if (!e.record.get('name')) throw badRequest('A name, please.'); e.next(); }, 'users');
};
`);
  const server = await startTenant({ dir });
  try {
    assert.match(server.output(), /hooks: routes loaded/);
    assert.match(server.output(), /Loaded hooks: routes\.js/);
    assert.deepEqual(await (await fetch(`${server.url}/api/hello/world`)).json(), { hello: 'world' });
    assert.equal((await fetch(`${server.url}/api/private`)).status, 401);
    const refused = await fetch(`${server.url}/api/collections/users/records`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'x@example.com', password: '1234567890', passwordConfirm: '1234567890' }),
    });
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { message: string }).message, 'A name, please.');
  } finally {
    await server.stop();
  }
  writeFileSync(join(hooks, 'zz_broken.js'), 'export default (app) => { app.onServe((e) => { e.next() ');
  const r = cli('serve', '--http', '127.0.0.1:0', '--dir', dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /hooks\/zz_broken\.js: cannot be loaded: .*(Unexpected|SyntaxError|missing)/i);
  writeFileSync(join(hooks, 'zz_broken.js'), 'export const notAFunction = 1;\n');
  assert.match(cli('serve', '--http', '127.0.0.1:0', '--dir', dir).stderr, /hooks\/zz_broken\.js: it must export a default function/);
});
