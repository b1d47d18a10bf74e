/**
 * Admin sync: the control plane stores the owner's bcrypt hash as a `_superusers` password,
 * through the library function and the `superuser sync` command, while a real
 * `burrow-tenant serve` process runs on the same data dir.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import bcrypt from 'bcryptjs';
import Database from 'better-sqlite3';
import { syncPlatformSuperuser } from '../../src/index.js';
import { startTenant, TENANT_BIN } from '../support/processes.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// A path inside a new temp dir that does not exist yet: sync must initialise it.
function freshDataDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'burrow-sync-'));
  dirs.push(root);
  return join(root, 'pb_data');
}

function superusers(dir: string): Array<{ email: string; password: string; tokenKey: string }> {
  const db = new Database(join(dir, 'data.db'), { readonly: true });
  try {
    return db.prepare('SELECT email, password, tokenKey FROM _superusers ORDER BY email').all() as Array<{ email: string; password: string; tokenKey: string }>;
  } finally {
    db.close();
  }
}

async function login(url: string, identity: string, password: string): Promise<{ status: number; token: string }> {
  const res = await fetch(`${url}/api/collections/_superusers/auth-with-password`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity, password }),
  });
  const body = (await res.json()) as { token?: string };
  return { status: res.status, token: body.token ?? '' };
}

async function refresh(url: string, token: string): Promise<number> {
  const res = await fetch(`${url}/api/collections/_superusers/auth-refresh`, { method: 'POST', headers: { authorization: token } });
  await res.arrayBuffer();
  return res.status;
}

test('syncPlatformSuperuser against a running server: create, no-op, new hash, rename', async () => {
  const dir = freshDataDir();
  const hash1 = bcrypt.hashSync('first-password', 10);
  assert.match(hash1, /^\$2b\$/);
  assert.deepEqual(syncPlatformSuperuser({ dir, email: 'owner@example.com', passwordHash: hash1 }), { created: true, changed: true });
  assert.deepEqual(superusers(dir).map((r) => [r.email, r.password]), [['owner@example.com', hash1]], 'the hash is stored verbatim');

  const server = await startTenant({ dir, superuser: false });
  try {
    const first = await login(server.url, 'owner@example.com', 'first-password');
    assert.equal(first.status, 200);
    const list = await fetch(`${server.url}/api/collections/_superusers/records`, { headers: { authorization: first.token } });
    assert.equal(list.status, 200);
    await list.arrayBuffer();

    // Same input while the server runs: nothing is written, the session survives.
    const before = superusers(dir);
    assert.deepEqual(syncPlatformSuperuser({ dir, email: 'owner@example.com', passwordHash: hash1 }), { created: false, changed: false });
    assert.deepEqual(superusers(dir), before);
    assert.equal(await refresh(server.url, first.token), 200);

    // A new hash: the new password logs in, the old one and the old token do not.
    const hash2 = bcrypt.hashSync('second-password', 10).replace(/^\$2b\$/, '$2y$');
    assert.deepEqual(syncPlatformSuperuser({ dir, email: 'owner@example.com', passwordHash: hash2 }), { created: false, changed: true });
    assert.notEqual(superusers(dir)[0].tokenKey, before[0].tokenKey);
    assert.equal(await refresh(server.url, first.token), 401);
    assert.equal((await login(server.url, 'owner@example.com', 'first-password')).status, 400);
    const second = await login(server.url, 'owner@example.com', 'second-password');
    assert.equal(second.status, 200);

    // The owner changed their email: the same record is renamed, not duplicated.
    const renamed = syncPlatformSuperuser({ dir, email: 'new-owner@example.com', passwordHash: hash2, previousEmail: 'owner@example.com' });
    assert.deepEqual(renamed, { created: false, changed: true });
    assert.deepEqual(superusers(dir).map((r) => r.email), ['new-owner@example.com']);
    assert.equal(await refresh(server.url, second.token), 401, 'an email change revokes tokens too');
    assert.equal((await login(server.url, 'owner@example.com', 'second-password')).status, 400);
    assert.equal((await login(server.url, 'new-owner@example.com', 'second-password')).status, 200);

    // previousEmail that no longer exists: plain upsert of the new email, still one record.
    assert.deepEqual(
      syncPlatformSuperuser({ dir, email: 'new-owner@example.com', passwordHash: hash2, previousEmail: 'owner@example.com' }),
      { created: false, changed: false },
    );
    assert.equal(superusers(dir).length, 1);
  } finally {
    await server.stop();
  }
});

test('syncPlatformSuperuser: previousEmail is left alone when the new email already exists', () => {
  const dir = freshDataDir();
  const hash = bcrypt.hashSync('pw-1234567890', 4);
  syncPlatformSuperuser({ dir, email: 'a@example.com', passwordHash: hash });
  syncPlatformSuperuser({ dir, email: 'b@example.com', passwordHash: hash });
  const other = bcrypt.hashSync('pw-other-123', 4);
  assert.deepEqual(syncPlatformSuperuser({ dir, email: 'b@example.com', passwordHash: other, previousEmail: 'a@example.com' }), { created: false, changed: true });
  assert.deepEqual(superusers(dir).map((r) => [r.email, r.password]), [['a@example.com', hash], ['b@example.com', other]]);
});

test('syncPlatformSuperuser refuses what is not a bcrypt hash, and invalid emails, with a clear Error', () => {
  const dir = freshDataDir();
  const good = bcrypt.hashSync('pw-1234567890', 4);
  for (const passwordHash of ['', 'plain-password', '$2x$10$' + good.slice(7), '$2a$03$' + good.slice(7), good.slice(0, -1), `${good}\n`, '$argon2id$v=19$m=65536,t=3,p=4$abc$def']) {
    assert.throws(() => syncPlatformSuperuser({ dir, email: 'owner@example.com', passwordHash }), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.match(err.message, /must be a bcrypt hash/);
      if (passwordHash) assert.ok(!err.message.includes(passwordHash), 'the value is not echoed');
      return true;
    }, JSON.stringify(passwordHash));
  }
  assert.ok(!existsSync(dir), 'bad input creates no data dir');
  assert.throws(() => syncPlatformSuperuser({ dir, email: 'not-an-email', passwordHash: good }), /cannot sync superuser "not-an-email".*email: /);
});

function cli(args: string[], input: string) {
  return spawnSync(process.execPath, [TENANT_BIN, ...args], { encoding: 'utf8', input, timeout: 30_000 });
}

test('burrow-tenant superuser sync reads the hash from stdin', () => {
  const dir = freshDataDir();
  const hash = bcrypt.hashSync('pw-1234567890', 4);
  let r = cli(['superuser', 'sync', 'owner@example.com', '--dir', dir], `${hash}\n`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Successfully synced superuser "owner@example.com" \(created\)/);
  r = cli(['superuser', 'sync', 'owner@example.com', '--dir', dir], hash);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\(unchanged\)/);
  r = cli(['superuser', 'sync', 'new@example.com', '--dir', dir, '--previous-email', 'owner@example.com'], hash);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\(updated\)/);
  assert.deepEqual(superusers(dir).map((x) => [x.email, x.password]), [['new@example.com', hash]]);

  r = cli(['superuser', 'sync', 'new@example.com', '--dir', dir], 'plain-password');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /must be a bcrypt hash/);
  assert.doesNotMatch(r.stderr, /plain-password|\n\s+at /);
  r = cli(['superuser', 'sync', '--dir', dir], hash);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /Usage:/);
});
