/**
 * `burrow-tenant standby` as the process runtime drives it: a real process spawned with its
 * own env and a pipe for stdin, then one assignment line; or EOF, or a malformed line.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { signPlatformRequest } from '@burrow/contracts';
import { freePort, REPO_ROOT, TENANT_BIN } from '../support/processes.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const KEY = 'c2f1e0d9b8a7968574635241302f1e0d9b8a7968574635241302f1e0d9b8a7';
const BASE_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production', LANG: 'C.UTF-8' };

/** A temp dir laid out like the runtime's: `instance/` (cwd, log) and the standby's own log. */
function layout() {
  const root = mkdtempSync(join(tmpdir(), 'burrow-standby-'));
  dirs.push(root);
  const instance = join(root, 'instance');
  mkdirSync(instance);
  return { root, instance, logFile: join(instance, 'tenant.log'), poolLog: join(root, 'standby.log') };
}

/** Spawns `burrow-tenant standby` with `env`, its stdout/stderr in `poolLog`, stdin a pipe. */
function startStandby(env: Record<string, string>, poolLog: string, cwd: string): { child: ChildProcess; exited: Promise<[number | null, string | null]> } {
  const fd = openSync(poolLog, 'a');
  try {
    const child = spawn(process.execPath, [TENANT_BIN, 'standby', '--tag', 'test'], { env, cwd, stdio: ['pipe', fd, fd] });
    return { child, exited: once(child, 'exit') as Promise<[number | null, string | null]> };
  } finally {
    closeSync(fd);
  }
}

async function waitHealthy(url: string, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    assert.ok(!gone, 'the standby exited before it was healthy');
    try {
      const res = await fetch(`${url}/api/health`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A request signed with the wrong key: 401 when the platform route exists, 404 when it does not. */
async function platformRouteStatus(url: string): Promise<number> {
  const body = JSON.stringify({ email: 'nobody@example.com' });
  const res = await fetch(`${url}/api/_burrow/superuser-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-burrow-signature': signPlatformRequest(`${KEY}-wrong`, body, Date.now() / 1000) },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

test('an assigned standby serves with exactly the given env, cwd and log file, and stops cleanly', async () => {
  const l = layout();
  // The standby's own env has a platform key and a stray variable; the assignment has neither.
  const { child, exited } = startStandby({ ...BASE_ENV, BURROW_PLATFORM_KEY: KEY, STANDBY_ONLY: 'x' }, l.poolLog, l.root);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const assignment = { args: ['serve', '--http', `127.0.0.1:${port}`, '--dir', 'data'], env: { ...BASE_ENV, HOME: l.instance }, cwd: l.instance, logFile: l.logFile };
  child.stdin?.end(`${JSON.stringify(assignment)}\n`);
  await waitHealthy(url, exited);

  assert.equal(await platformRouteStatus(url), 404, "the standby's own BURROW_PLATFORM_KEY did not survive the assignment");
  child.kill('SIGTERM');
  assert.deepEqual(await exited, [0, null]);
  const log = readFileSync(l.logFile, 'utf8');
  assert.match(log, new RegExp(`Server started at ${url}`));
  assert.match(log, new RegExp(`Data dir:  ${join(l.instance, 'data')}`), '--dir is resolved in the assigned cwd');
  assert.match(log, /Received SIGTERM/);
  assert.equal(readFileSync(l.poolLog, 'utf8'), '', 'nothing went to the standby\'s own output');
});

test("the assignment's env reaches the tenant", async () => {
  const l = layout();
  const { child, exited } = startStandby(BASE_ENV, l.poolLog, l.root);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const assignment = { args: ['serve', '--http', `127.0.0.1:${port}`, '--dir', join(l.instance, 'data')], env: { ...BASE_ENV, BURROW_PLATFORM_KEY: KEY }, cwd: l.instance, logFile: l.logFile };
  child.stdin?.end(`${JSON.stringify(assignment)}\n`);
  await waitHealthy(url, exited);
  assert.equal(await platformRouteStatus(url), 401, 'the platform route exists: the key arrived');
  child.kill('SIGTERM');
  assert.deepEqual(await exited, [0, null]);
});

test('EOF before an assignment exits 0 quietly', async () => {
  const l = layout();
  const { child, exited } = startStandby(BASE_ENV, l.poolLog, l.root);
  child.stdin?.end();
  assert.deepEqual(await exited, [0, null]);
  assert.equal(readFileSync(l.poolLog, 'utf8'), '');
});

test('a malformed assignment, or one that cannot be taken, exits 1 with a message', () => {
  const l = layout();
  // Every validation rule is covered in src/config/standby.test.ts; these go through the process.
  const cases: Array<[string, RegExp]> = [
    ['not json', /standby: the assignment is not JSON/],
    [JSON.stringify({ args: ['serve'], env: {}, cwd: join(l.root, 'missing'), logFile: l.logFile }), /standby: ENOENT.*chdir/],
  ];
  for (const [line, message] of cases) {
    const r = spawnSync(process.execPath, [TENANT_BIN, 'standby'], { input: `${line}\n`, encoding: 'utf8', env: BASE_ENV, timeout: 30_000 });
    assert.equal(r.status, 1, line);
    // Once the log is open, the message goes there like all later output.
    assert.match(r.stderr + readLogIfAny(l.logFile), message, line);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('once assigned, a crash lands in the instance log with its stack', () => {
  const l = layout();
  const standbyModule = pathToFileURL(fileURLToPath(new URL('../../src/standby.ts', import.meta.url))).href;
  const assignment = { args: ['serve'], env: { ...BASE_ENV }, cwd: l.instance, logFile: l.logFile };
  const script = [
    `import { enterAssignment } from ${JSON.stringify(standbyModule)};`,
    `enterAssignment(${JSON.stringify(assignment)});`,
    `process.stderr.write('written to stderr\\n');`,
    `setTimeout(() => { throw new Error('tenant crash for the log'); }, 1);`,
  ].join('\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 1, r.stderr);
  const log = readFileSync(l.logFile, 'utf8');
  assert.match(log, /^written to stderr$/m);
  assert.match(log, /uncaughtException: Error: tenant crash for the log\n\s+at /);
});

function readLogIfAny(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
