/** The burrow-tenant command line as a user runs it: arguments, superusers, clean shutdown. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { freePort, TENANT_BIN } from '../support/processes.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'burrow-cli-'));
  dirs.push(d);
  return d;
}

function cli(...args: string[]) {
  return spawnSync(process.execPath, [TENANT_BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
}

test('usage errors exit 1 with a message, never a stack trace', () => {
  const cases: Array<[string[], RegExp]> = [
    [['superuser', 'upsert'], /Usage:/],
    [['serve', '--http', 'nonsense'], /invalid --http address/],
    [['nope'], /unknown command "nope"/],
  ];
  for (const [args, message] of cases) {
    const r = cli(...args, '--dir', tempDir());
    assert.equal(r.status, 1, args.join(' '));
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('superuser upsert creates, then updates; invalid emails are refused', () => {
  const dir = tempDir();
  let r = cli('superuser', 'upsert', 'admin@example.com', '1234567890', '--dir', dir);
  assert.equal(r.status, 0, r.stderr);
  r = cli('superuser', 'upsert', 'admin@example.com', 'another-password', '--dir', dir);
  assert.equal(r.status, 0, r.stderr);
  r = cli('superuser', 'upsert', 'not-an-email', '1234567890', '--dir', dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /email/);
  const db = new Database(join(dir, 'data.db'), { readonly: true });
  const rows = db.prepare('SELECT email FROM _superusers').all() as Array<{ email: string }>;
  db.close();
  assert.deepEqual(rows.map((x) => x.email), ['admin@example.com']);
});

test('serve answers, then SIGTERM exits 0 with the WAL checkpointed and data kept', async () => {
  const dir = tempDir();
  const dbDir = tempDir();
  assert.equal(cli('superuser', 'upsert', 'admin@example.com', '1234567890', '--dir', dir, '--db-dir', dbDir).status, 0);
  const port = await freePort();
  const child = spawn(process.execPath, [TENANT_BIN, 'serve', '--http', `127.0.0.1:${port}`, '--dir', dir, '--db-dir', dbDir], { stdio: 'pipe' });
  let output = '';
  child.stdout.on('data', (d) => (output += String(d)));
  child.stderr.on('data', (d) => (output += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const onData = () => output.includes('Server started') && resolve();
    child.stdout.on('data', onData);
    child.on('exit', () => reject(new Error(`server exited early: ${output}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const auth = await fetch(`${base}/api/collections/_superusers/auth-with-password`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity: 'admin@example.com', password: '1234567890' }),
  });
  assert.equal(auth.status, 200);
  const { token } = (await auth.json()) as { token: string };
  const created = await fetch(`${base}/api/collections/users/records`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify({ email: 'kept@example.com', password: '1234567890', passwordConfirm: '1234567890' }),
  });
  assert.equal(created.status, 200);
  child.kill('SIGTERM');
  assert.equal(await exited, 0, output);
  assert.match(output, /Received SIGTERM/);
  // data.db lives in --db-dir, auxiliary.db in --dir
  assert.ok(existsSync(join(dbDir, 'data.db')));
  assert.ok(!existsSync(join(dir, 'data.db')));
  assert.ok(existsSync(join(dir, 'auxiliary.db')));
  const wal = join(dbDir, 'data.db-wal');
  assert.ok(!existsSync(wal) || statSync(wal).size === 0, 'WAL checkpointed on shutdown');
  const db = new Database(join(dbDir, 'data.db'), { readonly: true });
  const row = db.prepare('SELECT email FROM users').get() as { email: string } | undefined;
  db.close();
  assert.equal(row?.email, 'kept@example.com');
});
