import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type { TenantApp } from '../core/app.js';
import { bindDashboardApi } from './dashboard.js';

describe('the dashboard route', () => {
  let dir: string;
  let server: FastifyInstance;
  let missing: FastifyInstance;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    // The route never touches the app: a stand-in keeps this test free of SQLite.
    const app = {} as TenantApp;
    server = Fastify();
    bindDashboardApi(app, server, dir);
    missing = Fastify();
    bindDashboardApi(app, missing, join(dir, 'nothing'));
  });
  after(async () => {
    await server.close();
    await missing.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cases = [
    { name: '/_ redirects to /_/', url: '/_', status: 301, location: '/_/' },
    { name: 'the page', url: '/_/', status: 200, body: /id="root"/, cache: /no-cache/, csp: /img-src 'self' data: blob:/ },
    { name: 'a hashed asset, immutable', url: '/_/assets/index-abc.js', status: 200, cache: /immutable/ },
    { name: 'a missing asset', url: '/_/assets/nope.js', status: 404 },
    { name: 'a traversal attempt', url: '/_/..%2f..%2fetc%2fpasswd', status: 404 },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const res = await server.inject({ method: 'GET', url: c.url });
      assert.equal(res.statusCode, c.status);
      if (c.location) assert.equal(res.headers.location, c.location);
      if (c.body) assert.match(res.body, c.body);
      if (c.cache) assert.match(String(res.headers['cache-control']), c.cache);
      if (c.csp) assert.match(String(res.headers['content-security-policy']), c.csp);
    });
  }

  test('without a build: a 404 that says how to build it', async () => {
    const res = await missing.inject({ method: 'GET', url: '/_/' });
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /build_dashboard/);
  });
});
