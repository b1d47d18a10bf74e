// Integration tests: the proxy in front of real tenant processes run by ProcessRuntime.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ProcessRuntime, parseInstanceId, type InstanceId } from '@burrow/runtime';
import { MemoryInstanceDirectory, type FindOptions, type InstanceRecord } from './directory.js';
import { createProxyServer, type ProxyServer } from './server.js';
import { metricValue, openEventStream, send } from './test_support/client.js';
import { Counter, ObservedDirectory, RuntimeEvents } from './test_support/runtime_events.js';

const here = dirname(fileURLToPath(import.meta.url));
const TENANT_BIN = resolve(here, '..', '..', 'tenant', 'bin', 'burrow-tenant.mjs');
const ECHO_BIN = join(here, 'test_support', 'echo_tenant.mjs');

function record(name: string, status: InstanceRecord['status'], env: Record<string, string> = {}): InstanceRecord {
  return { id: parseInstanceId(name), name, status, env };
}

/** Answers cached-style lookups of `stale` as `sleeping` while a fresh read has the real status. */
class StaleDirectory extends MemoryInstanceDirectory {
  override async findByName(name: string, opts: FindOptions = {}): Promise<InstanceRecord | undefined> {
    const found = await super.findByName(name);
    return found !== undefined && name === 'stale' && opts.fresh !== true ? { ...found, status: 'sleeping' } : found;
  }
}

/** A runtime in a fresh temp root, stopped and removed after the suite. */
async function tempRuntime(tenantBin: string): Promise<{ runtime: ProcessRuntime; cleanup: (ids: InstanceId[]) => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'burrow-proxy-'));
  const runtime = new ProcessRuntime({ rootDir: root, tenantBin, graceMs: 5_000 });
  return {
    runtime,
    cleanup: async (ids) => {
      await Promise.all(ids.map((id) => runtime.stop(id)));
      await runtime.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

describe('proxy in front of the real tenant', () => {
  let runtime: ProcessRuntime;
  let cleanup: (ids: InstanceId[]) => Promise<void>;
  let proxy: ProxyServer;
  let port: number;
  const directory = new StaleDirectory([
    record('stale', 'stopped'),
    record('acme', 'running'),
    record('broken', 'failed'),
    record('newbie', 'provisioning'),
    record('leaving', 'deleting'),
    record('off', 'stopped'),
    record('badenv', 'sleeping', { PATH: '/nope' }),
  ]);

  before(async () => {
    assert.ok(existsSync(join(here, '..', '..', 'tenant', 'dist', 'cli.js')), 'build the tenant first: npx tsc -b');
    ({ runtime, cleanup } = await tempRuntime(TENANT_BIN));
    await runtime.start({ id: parseInstanceId('acme'), env: {} });
    proxy = createProxyServer({ directory, runtime, baseDomain: 'localhost', idleTimeoutMs: 0 });
    ({ port } = await proxy.listen(0));
  });

  after(async () => {
    await proxy.close();
    await cleanup([parseInstanceId('acme'), parseInstanceId('stale'), parseInstanceId('off')]);
  });

  test('GET /api/health of a running instance answers 200 through the proxy', async () => {
    const res = await send(port, `acme.localhost:${port}`, { path: '/api/health' });
    assert.equal(res.status, 200);
    assert.equal((res.json() as { code: number }).code, 200);
  });

  test('unknown names and foreign hosts are 404 JSON', async () => {
    for (const host of [`nobody.localhost:${port}`, `localhost:${port}`, `acme.example.com:${port}`, `127.0.0.1:${port}`]) {
      const res = await send(port, host, { path: '/api/health' });
      assert.equal(res.status, 404, host);
      assert.match(String(res.headers['content-type']), /application\/json/);
      const body = res.json() as { status: number; message: string; data: object };
      assert.equal(body.status, 404);
      assert.equal(typeof body.message, 'string');
      assert.deepEqual(body.data, {});
    }
  });

  test('failed, provisioning and stopped instances are 503 with Retry-After; deleting ones are 404', async () => {
    for (const name of ['broken', 'newbie', 'off']) {
      const res = await send(port, `${name}.localhost:${port}`, { path: '/api/health' });
      assert.equal(res.status, 503, name);
      assert.match(String(res.headers['retry-after']), /^\d+$/, name);
      assert.equal((res.json() as { status: number }).status, 503);
    }
    const leaving = await send(port, `leaving.localhost:${port}`, { path: '/api/health' });
    assert.equal(leaving.status, 404);
    assert.equal(leaving.headers['retry-after'], undefined);
    assert.equal((await runtime.status(parseInstanceId('off'))).state, 'absent', 'a stopped instance is not woken');
  });

  test('a wake re-reads the directory: a stale cached `sleeping` does not start a stopped instance', async () => {
    const res = await send(port, `stale.localhost:${port}`, { path: '/api/health' });
    assert.equal(res.status, 503);
    assert.match((res.json() as { message: string }).message, /is stopped/);
    assert.equal((await runtime.status(parseInstanceId('stale'))).state, 'absent');
  });

  test('a wake that fails is a 503 JSON, not a hang or a 500', async () => {
    const res = await send(port, `badenv.localhost:${port}`, { path: '/api/health' });
    assert.equal(res.status, 503);
    assert.ok(res.headers['retry-after']);
    assert.doesNotMatch(res.body.toString(), /at .*\.ts:\d+/); // no stack
  });

  test('a running instance whose process was stopped is started again and served', async () => {
    await runtime.stop(parseInstanceId('acme'));
    const res = await send(port, `acme.localhost:${port}`, { path: '/api/health' });
    assert.equal(res.status, 200);
    assert.equal((await runtime.status(parseInstanceId('acme'))).state, 'running');
  });
});

describe('sleep and wake (real tenant)', () => {
  const id = parseInstanceId('sleepy');
  const directory = new ObservedDirectory([record('sleepy', 'sleeping')]);
  let runtime: ProcessRuntime;
  let cleanup: (ids: InstanceId[]) => Promise<void>;
  let events: RuntimeEvents;
  let proxy: ProxyServer;
  let port: number;
  let afterWake = 0;

  before(async () => {
    ({ runtime, cleanup } = await tempRuntime(TENANT_BIN));
    events = new RuntimeEvents(runtime);
    proxy = createProxyServer({ directory, runtime, baseDomain: 'localhost', idleTimeoutMs: 300, idleSweepMs: 50 });
    ({ port } = await proxy.listen(0));
  });

  after(async () => {
    await proxy.close();
    events.close();
    await cleanup([id]);
  });

  test('concurrent requests for a sleeping instance start it once and are all served', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => send(port, `sleepy.localhost:${port}`, { path: '/api/health' })),
    );
    assert.deepEqual(responses.map((r) => r.status), Array(8).fill(200));
    assert.equal(events.count(id, 'starting'), 1);
    afterWake = events.log.length;
  });

  test('an idle instance is stopped, marked sleeping, and the next request wakes it', async () => {
    await events.waitFor(id, 'stopped', afterWake);
    await directory.waitForStatus('sleepy', 'sleeping');
    const res = await send(port, `sleepy.localhost:${port}`, { path: '/api/health' });
    assert.equal(res.status, 200);
    assert.equal(events.count(id, 'starting'), 2);
    assert.equal((await directory.findByName('sleepy'))?.status, 'running');
    const text = (await send(port, `localhost:${port}`, { path: '/metrics' })).body.toString();
    assert.equal(metricValue(text, 'burrow_proxy_sleeps_total'), 1);
    assert.equal(metricValue(text, 'burrow_proxy_wakes_total{outcome="ok"}'), 2);
    assert.equal(metricValue(text, 'burrow_proxy_wake_seconds_count'), 2);
    assert.equal(metricValue(text, 'burrow_proxy_requests_total{status="200"}'), 9);
  });
});

describe('idle clock without traffic (real tenant)', () => {
  const id = parseInstanceId('unvisited');
  const directory = new ObservedDirectory([record('unvisited', 'running')]);
  let runtime: ProcessRuntime;
  let cleanup: (ids: InstanceId[]) => Promise<void>;
  let proxy: ProxyServer;

  before(async () => {
    ({ runtime, cleanup } = await tempRuntime(TENANT_BIN));
    // Started by someone else (the worker, after provisioning); no request ever reaches the proxy.
    await runtime.start({ id, env: {} });
    proxy = createProxyServer({ directory, runtime, baseDomain: 'localhost', idleTimeoutMs: 300, idleSweepMs: 50 });
    await proxy.listen(0);
  });

  after(async () => {
    await proxy.close();
    await cleanup([id]);
  });

  test('a running instance that never had traffic sleeps after the idle timeout', async () => {
    await directory.waitForStatus('unvisited', 'sleeping');
    assert.equal((await runtime.status(id)).state, 'stopped');
  });
});

describe('streaming and headers (echo tenant)', () => {
  const directory = new ObservedDirectory([record('echo', 'sleeping'), record('stream', 'sleeping')]);
  let runtime: ProcessRuntime;
  let cleanup: (ids: InstanceId[]) => Promise<void>;
  // The sleepy proxy sleeps every running instance of its runtime that it sees no traffic for,
  // so it gets a runtime of its own: `echo` (served by the other proxy) must not sleep mid-test.
  let sleepyRuntime: ProcessRuntime;
  let sleepyCleanup: (ids: InstanceId[]) => Promise<void>;
  let events: RuntimeEvents;
  let proxy: ProxyServer;
  let port: number;
  let sleepyProxy: ProxyServer;
  let sleepyPort: number;
  const sweeps = new Counter();
  const IDLE_MS = 200;
  const SWEEP_MS = 40;

  before(async () => {
    ({ runtime, cleanup } = await tempRuntime(ECHO_BIN));
    ({ runtime: sleepyRuntime, cleanup: sleepyCleanup } = await tempRuntime(ECHO_BIN));
    events = new RuntimeEvents(sleepyRuntime);
    proxy = createProxyServer({ directory, runtime, baseDomain: 'localhost', idleTimeoutMs: 0 });
    ({ port } = await proxy.listen(0));
    sleepyProxy = createProxyServer({
      directory,
      runtime: sleepyRuntime,
      baseDomain: 'localhost',
      idleTimeoutMs: IDLE_MS,
      idleSweepMs: SWEEP_MS,
      onIdleSweep: sweeps.tick,
    });
    ({ port: sleepyPort } = await sleepyProxy.listen(0));
  });

  after(async () => {
    await Promise.all([proxy.close(), sleepyProxy.close()]);
    events.close();
    await cleanup([parseInstanceId('echo')]);
    await sleepyCleanup([parseInstanceId('stream')]);
  });

  test('X-Forwarded-For (appended), -Proto and -Host reach the tenant', async () => {
    const host = `echo.localhost:${port}`;
    const res = await send(port, host, { path: '/echo?x=1', headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(res.status, 200);
    const seen = res.json() as { url: string; headers: Record<string, string> };
    assert.equal(seen.url, '/echo?x=1');
    assert.equal(seen.headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers['x-forwarded-host'], host);
    const plain = (await send(port, host, { path: '/echo' })).json() as { headers: Record<string, string> };
    assert.equal(plain.headers['x-forwarded-for'], '127.0.0.1');
  });

  test('SSE: each event is delivered before the tenant writes the next one', async () => {
    const host = `echo.localhost:${port}`;
    const stream = await openEventStream(port, host, '/sse');
    try {
      assert.equal(stream.response.statusCode, 200);
      assert.equal(stream.response.headers['content-type'], 'text/event-stream');
      assert.equal(stream.response.headers['content-encoding'], undefined);
      assert.equal(await stream.next(), '1'); // the tenant writes "2" only after the ack below
      const ack = await send(port, host, { method: 'POST', path: '/ack' });
      assert.deepEqual(ack.json(), { streams: 1 });
      assert.equal(await stream.next(), '2');
    } finally {
      stream.close();
    }
  });

  test('a 16 MiB upload streams through and back intact', async () => {
    const body = randomBytes(16 * 1024 * 1024);
    const res = await send(port, `echo.localhost:${port}`, {
      method: 'POST',
      path: '/echo',
      body,
      headers: { 'content-type': 'application/octet-stream' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.length, body.length);
    assert.equal(createHash('sha256').update(res.body).digest('hex'), createHash('sha256').update(body).digest('hex'));
  });

  test('an open SSE stream keeps its instance awake; it sleeps once the stream closes', async () => {
    const id = parseInstanceId('stream');
    const host = `stream.localhost:${sleepyPort}`;
    const stream = await openEventStream(sleepyPort, host, '/sse');
    assert.equal(await stream.next(), '1');
    const from = events.log.length;
    await sweeps.waitMore(Math.ceil((3 * IDLE_MS) / SWEEP_MS)); // three idle timeouts' worth of sweeps
    assert.equal(events.count(id, 'stopping'), 0);
    assert.equal((await sleepyRuntime.status(id)).state, 'running');
    await send(sleepyPort, host, { method: 'POST', path: '/ack' });
    assert.equal(await stream.next(), '2');
    stream.close();
    await events.waitFor(id, 'stopped', from);
    await directory.waitForStatus('stream', 'sleeping');
  });
});
