/** Realtime stream limits and shutdown, in process with short timeouts. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { TenantApp } from '../core/app.js';
import { upsertSuperuser } from '../core/superusers.js';
import { createServer } from './server.js';

/** Opens a stream; resolves its client id and a promise of when (ms after opening) it ended. */
async function openStream(url: string): Promise<{ clientId: string; ended: Promise<number>; abort(): void }> {
  const abort = new AbortController();
  const started = performance.now();
  const res = await fetch(`${url}/api/realtime`, { signal: abort.signal });
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
  const clientId = /^id:(\w+)/.exec(text)![1];
  const ended = (async () => {
    try {
      while (!(await reader.read()).done) {
        // drain until the server ends the stream
      }
    } catch {
      // aborted by the test
    }
    return performance.now() - started;
  })();
  return { clientId, ended, abort: () => abort.abort() };
}

describe('realtime stream limits', () => {
  let dir: string;
  let app: TenantApp;
  let server: FastifyInstance;
  let url: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'realtime-limits-'));
    app = TenantApp.open({ dir });
    server = await createServer(app, { realtime: { idleTimeoutMs: 1_000, maxLifetimeMs: 3_000 } });
    url = await server.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await server?.close();
    app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a stream without messages is closed after the idle timeout', async () => {
    const { ended } = await openStream(url);
    const at = await ended;
    assert.ok(at >= 900 && at < 2_900, `ended after ${Math.round(at)} ms (idle timeout 1 000, lifetime 3 000)`);
  });

  test('messages keep a stream open until its maximum lifetime', async () => {
    const createPublic = await publicCollection(app, url);
    const { clientId, ended } = await openStream(url);
    const sub = await fetch(`${url}/api/realtime`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId, subscriptions: ['pub/*'] }) });
    assert.equal(sub.status, 204);
    // A message every 100 ms keeps resetting the 1 s idle timer; only the lifetime ends it.
    createPublic();
    const ticker = setInterval(createPublic, 100);
    try {
      const at = await ended;
      assert.ok(at >= 2_900 && at < 6_000, `ended after ${Math.round(at)} ms (idle timeout 1 000, lifetime 3 000)`);
    } finally {
      clearInterval(ticker);
    }
  });

  test('closing the server ends open streams', async () => {
    const other = await createServer(app, { realtime: { idleTimeoutMs: 60_000, maxLifetimeMs: 60_000 } });
    const otherUrl = await other.listen({ host: '127.0.0.1', port: 0 });
    const { ended } = await openStream(otherUrl);
    const closing = performance.now();
    await other.close();
    await ended;
    assert.ok(performance.now() - closing < 2_000);
  });
});

/** A public collection `pub` (created by a superuser over HTTP) whose records a guest may create. */
async function publicCollection(app: TenantApp, url: string): Promise<() => void> {
  upsertSuperuser(app, 'limits@example.com', 'limits-password-1');
  const login = await fetch(`${url}/api/collections/_superusers/auth-with-password`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity: 'limits@example.com', password: 'limits-password-1' }),
  });
  const { token } = (await login.json()) as { token: string };
  const created = await fetch(`${url}/api/collections`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify({ name: 'pub', type: 'base', listRule: '', viewRule: '', createRule: '', fields: [{ name: 'title', type: 'text' }] }),
  });
  assert.equal(created.status, 200, await created.text());
  let n = 0;
  return () => void fetch(`${url}/api/collections/pub/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: `tick ${++n}` }) }).catch(() => undefined);
}
