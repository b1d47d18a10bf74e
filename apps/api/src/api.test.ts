import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startPostgres, type PostgresHandle } from '@burrow/testing';
import { startApiHarness, type ApiHarness } from './test_support/api_harness.js';

/** One table row: a request and what must (and must not) come back. */
interface Scenario {
  name: string;
  method: string;
  url: string | ((ctx: Ctx) => string);
  body?: unknown;
  token?: (ctx: Ctx) => string | undefined;
  status: number;
  expect?: string[];
  notExpect?: string[];
}

interface Ctx {
  owner: string;
  other: string;
  ownerInstance: string;
  otherInstance: string;
}

async function run(h: ApiHarness, ctx: Ctx, s: Scenario): Promise<void> {
  const url = typeof s.url === 'function' ? s.url(ctx) : s.url;
  const r = await h.call(s.method, url, { token: s.token?.(ctx), body: s.body });
  const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  assert.equal(r.status, s.status, `${s.name}: status (${text})`);
  for (const e of s.expect ?? []) assert.ok(text.includes(e), `${s.name}: expected ${e} in ${text}`);
  for (const e of s.notExpect ?? []) assert.ok(!text.includes(e), `${s.name}: did not expect ${e} in ${text}`);
}

describe('control api (SQLite, real Redis)', () => {
  let h: ApiHarness;
  const ctx = {} as Ctx;
  before(async () => {
    h = await startApiHarness({ INSTANCE_QUOTA: '3', CONSOLE_DIR: '/nonexistent/console-build' });
    ctx.owner = await h.signup('owner@example.com');
    ctx.other = await h.signup('other@example.com');
    ctx.ownerInstance = (await h.call('POST', '/api/instances', { token: ctx.owner, body: { name: 'owned-one' } })).body.id;
    ctx.otherInstance = (await h.call('POST', '/api/instances', { token: ctx.other, body: { name: 'not-yours' } })).body.id;
  });
  after(async () => { await h?.stop(); });

  const owner = (c: Ctx) => c.owner;
  const other = (c: Ctx) => c.other;
  const scenarios: Scenario[] = [
    { name: 'signup: duplicate email', method: 'POST', url: '/api/auth/signup', body: { email: 'OWNER@example.com', password: 'long enough pw' }, status: 400, expect: ['"email"', 'validation_email_taken'] },
    { name: 'signup: bad email', method: 'POST', url: '/api/auth/signup', body: { email: 'nope', password: 'long enough pw' }, status: 400, expect: ['validation_invalid_email'] },
    { name: 'signup: short password', method: 'POST', url: '/api/auth/signup', body: { email: 'x@example.com', password: 'short' }, status: 400, expect: ['"password"', 'validation_min_length'] },
    { name: 'signup: password over 72 bytes', method: 'POST', url: '/api/auth/signup', body: { email: 'x@example.com', password: 'é'.repeat(37) }, status: 400, expect: ['validation_max_length'] },
    { name: 'signup: unknown field', method: 'POST', url: '/api/auth/signup', body: { email: 'x@example.com', password: 'long enough pw', admin: true }, status: 400, expect: ['validation_unknown_field'] },
    { name: 'signup: missing body', method: 'POST', url: '/api/auth/signup', status: 400, expect: ['validation_required'] },
    { name: 'signup: broken JSON', method: 'POST', url: '/api/auth/signup', body: '{"email":', status: 400, expect: ['"status":400'], notExpect: ['stack', 'at '] },
    { name: 'login: wrong password', method: 'POST', url: '/api/auth/login', body: { email: 'owner@example.com', password: 'wrong password' }, status: 400, expect: ['validation_invalid_credentials'] },
    { name: 'login: unknown account answers the same', method: 'POST', url: '/api/auth/login', body: { email: 'ghost@example.com', password: 'wrong password' }, status: 400, expect: ['validation_invalid_credentials'] },
    { name: 'login: ok', method: 'POST', url: '/api/auth/login', body: { email: 'owner@example.com', password: 'correct horse battery' }, status: 200, expect: ['"token":"bur_', '"email":"owner@example.com"'], notExpect: ['passwordHash'] },
    { name: 'me: no token', method: 'GET', url: '/api/me', status: 401, expect: ['"status":401'] },
    { name: 'me: garbage token', method: 'GET', url: '/api/me', token: () => 'bur_nope', status: 401 },
    { name: 'me: ok', method: 'GET', url: '/api/me', token: owner, status: 200, expect: ['owner@example.com'], notExpect: ['passwordHash'] },
    { name: 'instances: list is scoped to the owner', method: 'GET', url: '/api/instances', token: owner, status: 200, expect: ['owned-one'], notExpect: ['not-yours'] },
    { name: 'instances: list needs a session', method: 'GET', url: '/api/instances', status: 401 },
    { name: 'instances: get own', method: 'GET', url: (c) => `/api/instances/${c.ownerInstance}`, token: owner, status: 200, expect: ['"status":"provisioning"', '"url":"http://owned-one.localhost:', '"step":"Queued"'] },
    { name: "instances: someone else's is 404", method: 'GET', url: (c) => `/api/instances/${c.otherInstance}`, token: owner, status: 404 },
    { name: "instances: someone else's cannot be patched", method: 'PATCH', url: (c) => `/api/instances/${c.otherInstance}`, token: owner, body: { name: 'stolen' }, status: 404 },
    { name: "instances: someone else's cannot be deleted", method: 'DELETE', url: (c) => `/api/instances/${c.otherInstance}`, token: owner, status: 404 },
    { name: 'instances: malformed id is 404', method: 'GET', url: '/api/instances/..%2F..%2Fetc', token: owner, status: 404 },
    { name: 'create: reserved name', method: 'POST', url: '/api/instances', token: owner, body: { name: 'admin' }, status: 400, expect: ['validation_reserved_name'] },
    { name: 'create: invalid name', method: 'POST', url: '/api/instances', token: owner, body: { name: 'Bad_Name' }, status: 400, expect: ['validation_invalid_name'] },
    { name: 'create: taken name', method: 'POST', url: '/api/instances', token: owner, body: { name: 'not-yours' }, status: 400, expect: ['validation_name_taken'] },
    { name: 'create: missing name', method: 'POST', url: '/api/instances', token: owner, body: {}, status: 400, expect: ['validation_required'] },
    { name: 'patch: taken name', method: 'PATCH', url: (c) => `/api/instances/${c.ownerInstance}`, token: owner, body: { name: 'not-yours' }, status: 400, expect: ['validation_name_taken'] },
    { name: 'patch: bad power', method: 'PATCH', url: (c) => `/api/instances/${c.ownerInstance}`, token: owner, body: { power: 'maybe' }, status: 400, expect: ['"power"'] },
    { name: 'patch: invalid secret name', method: 'PATCH', url: (c) => `/api/instances/${c.ownerInstance}`, token: owner, body: { secrets: { 'lower-case': 'x' } }, status: 400, expect: ['validation_invalid_secret_name'] },
    { name: 'patch: reserved secret name', method: 'PATCH', url: (c) => `/api/instances/${c.ownerInstance}`, token: owner, body: { secrets: { NODE_OPTIONS: '--inspect' } }, status: 400, expect: ['validation_reserved_secret_name'] },
    { name: 'patch: OPENSSL_CONF is reserved (it can load native code)', method: 'PATCH', url: (c) => `/api/instances/${c.ownerInstance}`, token: owner, body: { secrets: { OPENSSL_CONF: '/tmp/x.cnf' } }, status: 400, expect: ['validation_reserved_secret_name'] },
    { name: 'patch: NODE_* is reserved', method: 'PATCH', url: (c) => `/api/instances/${c.ownerInstance}`, token: owner, body: { secrets: { NODE_V8_COVERAGE: '/tmp' } }, status: 400, expect: ['validation_reserved_secret_name'] },
    { name: 'patch: BURROW_* is reserved', method: 'PATCH', url: (c) => `/api/instances/${c.ownerInstance}`, token: owner, body: { secrets: { BURROW_PLATFORM_KEY: 'x'.repeat(40) } }, status: 400, expect: ['validation_reserved_secret_name'] },
    { name: 'patch: set secrets', method: 'PATCH', url: (c) => `/api/instances/${c.ownerInstance}`, token: owner, body: { secrets: { STRIPE_KEY: 'sk_test_1', OTHER: 'x' } }, status: 200, expect: ['"secrets":["OTHER","STRIPE_KEY"]'], notExpect: ['sk_test_1'] },
    { name: 'patch: remove a secret', method: 'PATCH', url: (c) => `/api/instances/${c.ownerInstance}`, token: owner, body: { secrets: { OTHER: null } }, status: 200, expect: ['"secrets":["STRIPE_KEY"]'] },
    { name: 'secrets: values for the owner', method: 'GET', url: (c) => `/api/instances/${c.ownerInstance}/secrets`, token: owner, status: 200, expect: ['"value":"sk_test_1"'] },
    { name: "secrets: not for others", method: 'GET', url: (c) => `/api/instances/${c.ownerInstance}/secrets`, token: other, status: 404, notExpect: ['sk_test_1'] },
    { name: 'superuser-token: not while provisioning', method: 'POST', url: (c) => `/api/instances/${c.ownerInstance}/superuser-token`, token: owner, status: 409 },
    { name: 'unknown route', method: 'GET', url: '/api/nothing-here', status: 404, expect: ['"status":404'] },
    { name: 'name check: free', method: 'GET', url: '/api/instances/name-availability?name=free-name', token: owner, status: 200, expect: ['"available":true'] },
    { name: 'name check: taken by anyone', method: 'GET', url: '/api/instances/name-availability?name=not-yours', token: owner, status: 200, expect: ['"available":false', 'validation_name_taken'] },
    { name: 'name check: reserved', method: 'GET', url: '/api/instances/name-availability?name=admin', token: owner, status: 200, expect: ['"available":false', 'validation_reserved_name'] },
    { name: 'name check: pattern', method: 'GET', url: '/api/instances/name-availability?name=9lives', token: owner, status: 200, expect: ['"available":false', 'validation_invalid_name'] },
    { name: 'name check: missing name', method: 'GET', url: '/api/instances/name-availability', token: owner, status: 400, expect: ['"name"', 'validation_required'] },
    { name: 'name check: needs a session', method: 'GET', url: '/api/instances/name-availability?name=free-name', status: 401 },
    { name: 'console not built: / says so without a path', method: 'GET', url: '/', status: 503, expect: ['not built'], notExpect: ['/tmp', 'dist'] },
    { name: 'health', method: 'GET', url: '/api/health', status: 200, expect: ['"database":"ok"', '"queue":"ok"'] },
    { name: 'docs', method: 'GET', url: '/api/docs', status: 200, expect: ['"openapi":"3.1.0"', '"/api/instances/{id}"', '"/api/auth/signup"', '"security"', '"/api/instances/name-availability"'] },
  ];
  for (const s of scenarios) test(s.name, () => run(h, ctx, s));

  test("the console's generated API types match the OpenAPI document", async () => {
    const { readFileSync } = await import('node:fs');
    const { CONSOLE_API_TYPES, renderApiTypes } = await import('./test_support/openapi_types.js');
    const docs = await h.call('GET', '/api/docs');
    assert.equal(
      readFileSync(CONSOLE_API_TYPES, 'utf8'),
      await renderApiTypes(docs.body),
      'apps/console/src/api/schema.gen.ts is stale: run `TSX_TSCONFIG_PATH=tsconfig.tsx.json node --import tsx apps/console/scripts/gen_api_types.ts`',
    );
  });

  test('deploying code is refused (403 with the reason) where instances run as plain processes and the operator has not allowed it', async () => {
    const t = await h.signup();
    const created = await h.call('POST', '/api/instances', { token: t, body: { name: 'no-code' } });
    const r = await h.call('PUT', `/api/instances/${created.body.id}/deploy`, { token: t, body: { files: { 'hooks/x.js': 'export default () => {}' } } });
    assert.equal(r.status, 403);
    assert.match(r.body.message, /would not be confined to its instance.*RUNTIME=docker.*ALLOW_UNSANDBOXED_CODE=true/);
    const stored = await import('node:fs').then((fs) => fs.existsSync(`${h.config.deploysDir}/${created.body.id}`));
    assert.equal(stored, false, 'nothing stored');
  });

  test('secrets are encrypted at rest', async () => {
    const { openControlDb } = await import('@burrow/db');
    const db = await openControlDb(h.config.database);
    try {
      const values = (await db.secret.findMany()).map((s) => s.value);
      assert.ok(values.length > 0);
      for (const v of values) assert.ok(v.startsWith('v1.') && !v.includes('sk_test_1'));
    } finally { await db.$disconnect(); }
  });

  test('power on restarts a failed instance whose power is already on', async () => {
    const t = await h.signup();
    const id = (await h.call('POST', '/api/instances', { token: t, body: { name: 'will-fail' } })).body.id;
    const { openControlDb } = await import('@burrow/db');
    const db = await openControlDb(h.config.database);
    try {
      await db.instance.update({ where: { id }, data: { status: 'failed', statusReason: 'health timeout' } });
    } finally { await db.$disconnect(); }
    const r = await h.call('PATCH', `/api/instances/${id}`, { token: t, body: { power: 'on' } });
    assert.equal(r.status, 200);
    assert.equal(r.body.job.name, 'instance.power');
    assert.equal(r.body.job.state, 'queued');
  });

  test('quota: parallel creates never exceed it', async () => {
    const t = await h.signup();
    const results = await Promise.all(['par-a', 'par-b', 'par-c', 'par-d', 'par-e', 'par-f'].map((name) => h.call('POST', '/api/instances', { token: t, body: { name } })));
    assert.equal(results.filter((r) => r.status === 202).length <= 3, true);
    assert.ok((await h.call('GET', '/api/instances', { token: t })).body.length <= 3);
  });

  test('quota: the fourth instance is refused', async () => {
    const t = await h.signup();
    for (const name of ['quota-a', 'quota-b', 'quota-c']) assert.equal((await h.call('POST', '/api/instances', { token: t, body: { name } })).status, 202);
    const r = await h.call('POST', '/api/instances', { token: t, body: { name: 'quota-d' } });
    assert.equal(r.status, 403);
    assert.match(r.body.message, /limit of 3 instances/);
  });

  test('delete: 202 deleting, then patches are refused', async () => {
    const t = await h.signup();
    const id = (await h.call('POST', '/api/instances', { token: t, body: { name: 'to-delete' } })).body.id;
    const del = await h.call('DELETE', `/api/instances/${id}`, { token: t });
    assert.equal(del.status, 202);
    assert.equal(del.body.status, 'deleting');
    assert.equal(del.body.job.name, 'instance.deprovision');
    assert.equal((await h.call('PATCH', `/api/instances/${id}`, { token: t, body: { power: 'off' } })).status, 409);
  });

  test('sessions: log out revokes one, log out everywhere revokes all, password change keeps only the current', async () => {
    const email = `sessions-${Date.now()}@example.com`;
    const a = await h.signup(email);
    const b = (await h.call('POST', '/api/auth/login', { body: { email, password: 'correct horse battery' } })).body.token;
    const c = (await h.call('POST', '/api/auth/login', { body: { email, password: 'correct horse battery' } })).body.token;
    assert.equal((await h.call('POST', '/api/auth/logout', { token: a })).status, 204);
    assert.equal((await h.call('GET', '/api/me', { token: a })).status, 401);
    assert.equal((await h.call('GET', '/api/me', { token: b })).status, 200);
    const wrong = await h.call('POST', '/api/me/password', { token: b, body: { currentPassword: 'nope nope', newPassword: 'a brand new password' } });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.data.currentPassword.code, 'validation_invalid_password');
    assert.equal((await h.call('POST', '/api/me/password', { token: b, body: { currentPassword: 'correct horse battery', newPassword: 'a brand new password' } })).status, 204);
    assert.equal((await h.call('GET', '/api/me', { token: c })).status, 401, 'other sessions end with a password change');
    assert.equal((await h.call('GET', '/api/me', { token: b })).status, 200, 'the current one stays');
    assert.equal((await h.call('POST', '/api/auth/login', { body: { email, password: 'correct horse battery' } })).status, 400);
    const d = (await h.call('POST', '/api/auth/login', { body: { email, password: 'a brand new password' } })).body.token;
    assert.deepEqual((await h.call('POST', '/api/auth/logout-all', { token: d })).body, { revoked: 2 });
    assert.equal((await h.call('GET', '/api/me', { token: b })).status, 401);
  });

  test('login throttling: the account locks after 5 failures, with Retry-After', async () => {
    const email = `throttle-${Date.now()}@example.com`;
    await h.signup(email);
    for (let i = 0; i < 5; i++) assert.equal((await h.call('POST', '/api/auth/login', { body: { email, password: 'bad guess ' + i } })).status, 400);
    const locked = await h.call('POST', '/api/auth/login', { body: { email, password: 'correct horse battery' } });
    assert.equal(locked.status, 429, 'even the right password is refused while locked');
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
  });

  test('metrics: instances by status, jobs and requests', async () => {
    const r = await h.call('GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.body, /burrow_instances\{status="provisioning"\} \d+/);
    assert.match(r.body, /burrow_job_runs\{name="instance.provision",state="queued"\} \d+/);
    assert.match(r.body, /burrow_queue_jobs\{queue="burrow-host-local",state="waiting"\} \d+/);
    assert.match(r.body, /burrow_api_requests_total\{method="POST",route="\/api\/instances",status="202"\}/);
  });

  test('Redis down: 503 with a clear message, nothing written; back up: works again', async () => {
    const t = await h.signup();
    await h.redis.stop();
    const down = await h.call('POST', '/api/instances', { token: t, body: { name: 'while-down' } });
    assert.equal(down.status, 503);
    assert.match(down.body.message, /queue \(Redis\) is unavailable/);
    assert.ok(Number(down.headers.get('retry-after')) > 0);
    assert.equal((await h.call('GET', '/api/health')).body.status, 'degraded');
    assert.deepEqual((await h.call('GET', '/api/instances', { token: t })).body, [], 'no half-made instance');
    assert.equal((await h.call('GET', '/api/me', { token: t })).status, 200, 'reads keep working');
    const pw = await h.call('POST', '/api/me/password', { token: t, body: { currentPassword: 'correct horse battery', newPassword: 'another long password' } });
    assert.equal(pw.status, 503, 'a password change needs the queue (instance superusers follow through jobs)');
    assert.equal((await h.call('GET', '/api/me', { token: t })).status, 200, 'and changed nothing: the session stays');
    await h.redis.restart();
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < deadline && status !== 202) {
      status = (await h.call('POST', '/api/instances', { token: t, body: { name: 'after-outage' } })).status;
      if (status !== 202) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, 202, 'the api reconnects by itself');
  });

  test('login throttling: one IP is locked after 20 failures, whatever the accounts (runs last)', async () => {
    let status = 0;
    let attempts = 0;
    for (; attempts < 25 && status !== 429; attempts++) {
      status = (await h.call('POST', '/api/auth/login', { body: { email: `spray-${attempts}@example.com`, password: 'guess guess' } })).status;
    }
    assert.equal(status, 429);
    assert.ok(attempts <= 21, `locked after ${attempts} attempts`);
    const owner = await h.call('POST', '/api/auth/login', { body: { email: 'owner@example.com', password: 'correct horse battery' } });
    assert.equal(owner.status, 429, 'the IP stays locked for every account');
  });
});

describe('control api on Postgres', () => {
  let pg: PostgresHandle;
  let h: ApiHarness;
  before(async () => {
    pg = await startPostgres();
    h = await startApiHarness({ DATABASE_URL: pg.url });
  });
  after(async () => {
    await h?.stop();
    await pg?.stop();
  });

  test('sign up, create, list, conflict and scoping work the same', async () => {
    const a = await h.signup('pg-owner@example.com');
    const b = await h.signup('pg-other@example.com');
    assert.equal((await h.call('POST', '/api/auth/signup', { body: { email: 'pg-owner@example.com', password: 'long enough pw' } })).body.data.email.code, 'validation_email_taken');
    const created = await h.call('POST', '/api/instances', { token: a, body: { name: 'pg-app' } });
    assert.equal(created.status, 202);
    assert.equal((await h.call('POST', '/api/instances', { token: b, body: { name: 'pg-app' } })).body.data.name.code, 'validation_name_taken');
    assert.equal((await h.call('GET', `/api/instances/${created.body.id}`, { token: b })).status, 404);
    assert.deepEqual((await h.call('GET', '/api/instances', { token: a })).body.map((i: { name: string }) => i.name), ['pg-app']);
  });
});
