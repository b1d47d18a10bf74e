// startProxy end to end in-process: real SQLite control DB, sealed secrets, echo tenants run by ProcessRuntime.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PLATFORM_KEY_ENV, type ControlInstanceId } from '@burrow/db';
import { ProcessRuntime, parseInstanceId } from '@burrow/runtime';
import { loadProxyConfig, type ProxyConfig } from './config.js';
import { startProxy, type RunningProxy } from './start.js';
import { metricValue, send } from './test_support/client.js';
import { testControlDb, type TestControlDb } from './test_support/control_db.js';
import { RecordingLogger } from './test_support/recording_logger.js';
import { RuntimeEvents } from './test_support/runtime_events.js';

const here = dirname(fileURLToPath(import.meta.url));
const ECHO_BIN = join(here, 'test_support', 'echo_tenant.mjs');

/** The proxy's config for a temp control DB, as main.ts would build it from the env. */
function configFor(t: TestControlDb, env: Record<string, string> = {}): ProxyConfig {
  // TENANT_STANDBY 0: the echo tenant has no `standby` command.
  const config = loadProxyConfig({ DATA_DIR: t.dir, TENANT_BIN: ECHO_BIN, SECRETS_KEY: t.key.toString('hex'), IDLE_TIMEOUT: '0', TENANT_STANDBY: '0', ...env }, t.dir);
  return { ...config, port: 0 };
}

describe('startProxy: statuses recorded in the control DB', () => {
  let t: TestControlDb;
  let proxy: RunningProxy;
  let port: number;

  before(async () => {
    t = await testControlDb();
    await t.addInstance('newbie', 'provisioning');
    await t.addInstance('parked', 'stopped');
    await t.addInstance('leaving', 'deleting');
    await t.addInstance('broken', 'failed');
    proxy = await startProxy(configFor(t, { BASE_DOMAIN: 'burrow.test' })); // its own ProcessRuntime
    ({ port } = proxy);
  });

  after(async () => {
    await proxy.close();
    await t.cleanup();
  });

  test('provisioning, stopped and failed are 503 JSON with their own message and Retry-After', async () => {
    const cases = [
      ['newbie', /being provisioned/, '2'],
      ['parked', /is stopped/, '60'],
      ['broken', /has failed/, '30'],
    ] as const;
    for (const [name, message, retryAfter] of cases) {
      const res = await send(port, `${name}.burrow.test:${port}`, { path: '/api/health' });
      assert.equal(res.status, 503, name);
      assert.equal(res.headers['retry-after'], retryAfter, name);
      const body = res.json() as { status: number; message: string; data: object };
      assert.equal(body.status, 503);
      assert.match(body.message, message);
      assert.deepEqual(body.data, {});
    }
  });

  test('an instance being deleted answers exactly like an unknown name', async () => {
    const leaving = await send(port, `leaving.burrow.test:${port}`, { path: '/api/health' });
    const unknown = await send(port, `nobody.burrow.test:${port}`, { path: '/api/health' });
    assert.equal(leaving.status, 404);
    assert.deepEqual(leaving.json(), unknown.json());
  });

  test('GET /metrics on the proxy\'s own hosts is the Prometheus exposition; other hosts are 404', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `burrow.test:${port}`]) {
      const res = await send(port, host, { path: '/metrics' });
      assert.equal(res.status, 200, host);
      assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
      const text = res.body.toString();
      assert.equal(metricValue(text, 'burrow_proxy_requests_total{status="503"}'), 3);
      assert.equal(metricValue(text, 'burrow_proxy_requests_total{status="404"}'), 2);
      assert.match(text, /^burrow_proxy_process_resident_memory_bytes \d+/m, 'process metrics are on');
    }
    assert.equal((await send(port, `example.com:${port}`, { path: '/metrics' })).status, 404);
    assert.equal((await send(port, `127.0.0.1:${port}`, { method: 'POST', path: '/metrics' })).status, 404);
  });
});

describe('startProxy: wake, metrics and failures (echo tenant)', () => {
  let t: TestControlDb;
  let runtime: ProcessRuntime;
  let events: RuntimeEvents;
  let logger: RecordingLogger;
  let proxy: RunningProxy;
  let port: number;
  const ids: Record<string, ControlInstanceId> = {};

  before(async () => {
    t = await testControlDb();
    ids.echo = await t.addInstance('echo', 'sleeping', { API_KEY: 'k-123' });
    ids.parked = await t.addInstance('parked', 'stopped');
    ids.crashy = await t.addInstance('crashy', 'sleeping', { ECHO_FAIL: 'exit' });
    const config = configFor(t);
    runtime = new ProcessRuntime({ rootDir: config.instancesDir, tenantBin: ECHO_BIN, graceMs: 5_000 });
    events = new RuntimeEvents(runtime);
    logger = new RecordingLogger();
    // A long TTL: every lookup after the first is served from the cache unless the proxy wrote.
    proxy = await startProxy(config, { runtime, logger, processMetrics: false, directory: { cacheTtlMs: 60_000 } });
    ({ port } = proxy);
  });

  after(async () => {
    await proxy.close();
    events.close();
    await Promise.all(Object.values(ids).map((id) => runtime.stop(parseInstanceId(id))));
    await runtime.close();
    await t.cleanup();
  });

  test('a sleeping instance is woken with its decrypted secrets and marked running', async () => {
    const res = await send(port, `echo.localhost:${port}`, { path: `/env?names=API_KEY,${PLATFORM_KEY_ENV}` });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { API_KEY: 'k-123', [PLATFORM_KEY_ENV]: 'pk-echo' });
    assert.equal(await t.statusOf(ids.echo), 'running');
    for (let i = 0; i < 2; i++) assert.equal((await send(port, `echo.localhost:${port}`, { path: '/api/health' })).status, 200);
    assert.equal(events.count(parseInstanceId(ids.echo), 'starting'), 1);
  });

  test('/metrics counts the requests and the one wake', async () => {
    const text = (await send(port, `127.0.0.1:${port}`, { path: '/metrics' })).body.toString();
    assert.equal(metricValue(text, 'burrow_proxy_requests_total{status="200"}'), 3);
    assert.equal(metricValue(text, 'burrow_proxy_wakes_total{outcome="ok"}'), 1);
    assert.equal(metricValue(text, 'burrow_proxy_wakes_total{outcome="failed"}'), 0);
    assert.equal(metricValue(text, 'burrow_proxy_wake_seconds_count'), 1);
    assert.ok((metricValue(text, 'burrow_proxy_wake_seconds_sum') ?? 0) > 0);
    assert.equal(metricValue(text, 'burrow_proxy_sleeps_total'), 0);
    assert.equal(metricValue(text, 'burrow_proxy_process_resident_memory_bytes'), undefined);
  });

  test("an instance's own /metrics is forwarded to its tenant", async () => {
    const res = await send(port, `echo.localhost:${port}`, { path: '/metrics' });
    assert.equal(res.status, 404);
    assert.deepEqual(res.json(), { status: 404, message: 'nope', data: {} }); // the echo tenant's own 404
  });

  test('a stopped instance is answered 503 and not started', async () => {
    const res = await send(port, `parked.localhost:${port}`, { path: '/api/health' });
    assert.equal(res.status, 503);
    assert.match((res.json() as { message: string }).message, /is stopped/);
    assert.equal(events.count(parseInstanceId(ids.parked), 'starting'), 0);
    assert.equal((await runtime.status(parseInstanceId(ids.parked))).state, 'absent');
  });

  test('a tenant the runtime reports failed is marked failed in the DB and answered as failed', async () => {
    const id = parseInstanceId(ids.crashy);
    const first = await send(port, `crashy.localhost:${port}`, { path: '/api/health' });
    assert.equal(first.status, 503);
    assert.equal(first.headers['retry-after'], '10', 'the wake itself failed');
    const logged = await logger.waitFor('instance failed', { instance: id });
    assert.equal(logged.fields.recorded, true);
    const row = await t.db.instance.findUniqueOrThrow({ where: { id: ids.crashy } });
    assert.equal(row.status, 'failed');
    assert.match(row.statusReason ?? '', /exited before it was healthy/);
    const next = await send(port, `crashy.localhost:${port}`, { path: '/api/health' });
    assert.equal(next.status, 503);
    assert.equal(next.headers['retry-after'], '30');
    assert.match((next.json() as { message: string }).message, /has failed/);
    assert.equal(events.count(id, 'starting'), 1, 'no second start');
    const text = (await send(port, `127.0.0.1:${port}`, { path: '/metrics' })).body.toString();
    assert.equal(metricValue(text, 'burrow_proxy_wakes_total{outcome="failed"}'), 1);
  });

  test('an instance the api started deleting is not woken from a stale cached record', async () => {
    await t.setStatus(ids.echo, 'deleting');
    // The documented trade-off: within the TTL the cached `running` still reaches the live tenant.
    assert.equal((await send(port, `echo.localhost:${port}`, { path: '/api/health' })).status, 200);
    await runtime.stop(parseInstanceId(ids.echo)); // the worker stops it
    const res = await send(port, `echo.localhost:${port}`, { path: '/api/health' });
    assert.equal(res.status, 404, 'the wake re-read the row and refused');
    assert.equal(events.count(parseInstanceId(ids.echo), 'starting'), 1, 'not started again');
    assert.equal(await t.statusOf(ids.echo), 'deleting', 'and its status was left alone');
  });
});
