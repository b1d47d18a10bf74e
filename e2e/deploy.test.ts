/**
 * Deploying an app's own code to a hosted instance, across real processes: `burrow deploy`
 * (bin/burrow.mjs) sends hooks/ and migrations/ through the control API, the worker installs
 * them and restarts the tenant; the route and the migration are live through the proxy, the
 * code's output reaches the live logs; a deploy that does not start is rolled back and the
 * instance keeps serving the previous code; bad bundles and other users' instances are refused.
 * Tenants run as processes here, so the stack allows unsandboxed code (ALLOW_UNSANDBOXED_CODE).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eventually as pollUntil, freePort, resolveLocalhostSubdomains } from '@burrow/testing';
// @ts-expect-error: plain ESM launcher script without type declarations
import { startStack } from '../scripts/stack.mjs';
import { controlApi, deleteInstancesOf, readLogsUntil, type ApiAnswer } from './support/control_api.js';

interface Stack {
  apiUrl: string;
  proxyPort: number;
  stop(): Promise<void>;
}

const BURROW = fileURLToPath(new URL('../bin/burrow.mjs', import.meta.url));
let stack: Stack;
let dataDir: string;
const lines: string[] = [];

async function signup(email: string): Promise<string> {
  const res = await fetch(`${stack.apiUrl}/api/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'correct horse battery' }) });
  assert.equal(res.status, 201);
  const { token } = (await res.json()) as { token: string };
  tokens.push(token);
  return token;
}

const api = (token: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> => controlApi(stack.apiUrl, token, method, path, body);

function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  return pollUntil(what, check, timeoutMs, () => lines.slice(-30).join('\n'));
}

/** Runs `burrow deploy`; resolves with its exit code and output. */
function burrowDeploy(dir: string, instance: string, token: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BURROW, 'deploy', dir, '--instance', instance, '--api', stack.apiUrl, '--token', token], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

function appDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(dataDir, 'app-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

before(async () => {
  resolveLocalhostSubdomains();
  dataDir = mkdtempSync(join(tmpdir(), 'burrow-e2e-deploy-'));
  stack = await startStack({
    env: { DATA_DIR: dataDir, API_PORT: String(await freePort()), PROXY_PORT: String(await freePort()), IDLE_TIMEOUT: '0', BASE_DOMAIN: 'localhost', REDIS_URL: '', DATABASE_URL: '', ALLOW_UNSANDBOXED_CODE: 'true' },
    log: (role: string, line: string) => { lines.push(`${role} ${line}`); if (lines.length > 2000) lines.shift(); },
  });
});

/** Every account the tests make, to delete their instances at the end (tenants outlive the stack). */
const tokens: string[] = [];

after(async () => {
  if (stack) await deleteInstancesOf(stack.apiUrl, tokens);
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('burrow deploy: code and migrations go live, output reaches the logs; a broken deploy is rolled back and the instance keeps serving', async () => {
  const token = await signup('dev@example.com');
  const created = await api(token, 'POST', '/api/instances', { name: 'coded' });
  assert.equal(created.status, 202);
  const id: string = created.body.id;
  await eventually('running', async () => ((await api(token, 'GET', `/api/instances/${id}`)).body?.status === 'running' ? true : undefined));
  const url = `http://coded.localhost:${stack.proxyPort}`;

  const good = appDir({
    'hooks/routes.js': `export default (app) => {
  console.log('deployed code: loaded');
  app.onServe((e) => { e.router.get('/api/hello/{name}', (r) => ({ hello: r.params.name })); e.next(); });
};
`,
    'migrations/1700000000_notes.js': `export function up(m) { m.importCollections([{ name: 'notes', type: 'base', listRule: '', fields: [{ name: 'text', type: 'text' }] }]); }
export function down(m) { m.deleteCollection('notes'); }
`,
  });
  const ok = await burrowDeploy(good, 'coded', token);
  assert.equal(ok.code, 0, ok.err + ok.out);
  assert.match(ok.out, /deploying 2 file\(s\)/);
  assert.match(ok.out, /100% Deployed/);
  assert.deepEqual(await (await fetch(`${url}/api/hello/burrow`)).json(), { hello: 'burrow' });
  assert.equal((await fetch(`${url}/api/collections/notes/records`)).status, 200, 'the migration ran');

  // The code's output is in the instance's live logs.
  const { text } = await readLogsUntil(stack.apiUrl, token, id, /deployed code: loaded/);
  assert.match(text, /deployed code: loaded/);

  const broken = appDir({ 'hooks/routes.js': 'export default (app) => { app.onServe((e) => { e.next() ' });
  const failed = await burrowDeploy(broken, 'coded', token);
  assert.equal(failed.code, 1);
  assert.match(failed.err, /deploy failed: the deploy did not start and was rolled back .*hooks\/routes\.js/s);
  const after = await api(token, 'GET', `/api/instances/${id}`);
  assert.equal(after.body.status, 'running');
  assert.equal(after.body.job.state, 'failed');
  assert.deepEqual(await (await fetch(`${url}/api/hello/again`)).json(), { hello: 'again' }, 'the previous code serves');
});

test('bad deploys are refused with a clear 4xx: paths outside hooks/ and migrations/, no files, another user\'s instance', async () => {
  const token = await signup('owner@example.com');
  const created = await api(token, 'POST', '/api/instances', { name: 'guarded' });
  const id: string = created.body.id;
  await eventually('running', async () => ((await api(token, 'GET', `/api/instances/${id}`)).body?.status === 'running' ? true : undefined));
  for (const files of [{ '../data.db': 'x' }, { 'hooks/../../escape.js': 'x' }, { 'storage/x.js': 'x' }, { 'hooks/run.sh': 'x' }, {}]) {
    const r = await api(token, 'PUT', `/api/instances/${id}/deploy`, { files });
    assert.equal(r.status, 400, JSON.stringify(files));
    assert.equal(r.body.data.files.code, 'validation_invalid_bundle');
  }
  assert.equal((await api(token, 'PUT', `/api/instances/${id}/deploy`, { nothing: true })).status, 400);
  const other = await signup('intruder@example.com');
  assert.equal((await api(other, 'PUT', `/api/instances/${id}/deploy`, { files: { 'hooks/x.js': 'export default () => {}' } })).status, 404);
  const cli = await burrowDeploy(appDir({ 'hooks/x.js': 'export default () => {}' }), 'guarded', other);
  assert.equal(cli.code, 1);
  assert.match(cli.err, /you have no instance "guarded"/);
});
