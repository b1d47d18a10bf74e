import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { TenantApp } from '../core/app.js';
import { INSTALLER_EMAIL, installerUrl, needsInstaller } from '../core/installer.js';
import { createServer } from './server.js';
import { INSTALLER_PATH } from './installer.js';

describe('first run: the printed link and the loopback installer', () => {
  let dir: string;
  let app: TenantApp;
  let server: FastifyInstance;
  let platform: FastifyInstance;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'installer-'));
    app = TenantApp.open({ dir });
    server = await createServer(app);
    platform = await createServer(app, { platformKey: 'k'.repeat(40) });
  });
  after(async () => {
    await server.close();
    await platform.close();
    app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (method: 'GET' | 'POST', body?: unknown, remoteAddress = '127.0.0.1', target = server) =>
    target.inject({ method, url: INSTALLER_PATH, remoteAddress, ...(body ? { payload: body as Record<string, unknown> } : {}) });

  test('the printed link: a system superuser with a non-refreshable 30-minute token', () => {
    const url = installerUrl(app, 'http://127.0.0.1:8090');
    assert.match(String(url), /^http:\/\/127\.0\.0\.1:8090\/_\/#\/pbinstall\/[\w-]+\.[\w-]+\.[\w-]+$/);
    const token = String(url).split('/pbinstall/')[1] ?? '';
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { refreshable: boolean; exp: number };
    assert.equal(claims.refreshable, false);
    assert.ok(claims.exp - Date.now() / 1000 <= 30 * 60 + 5);
    assert.equal(needsInstaller(app), true, 'the system superuser does not count');
  });

  const cases: Array<{ name: string; method: 'GET' | 'POST'; body?: unknown; remote?: string; platform?: boolean; status: number; content?: RegExp }> = [
    { name: 'loopback asks: needed', method: 'GET', status: 200, content: /"needed":true/ },
    { name: 'from another address: not there', method: 'GET', remote: '10.1.2.3', status: 404 },
    { name: 'behind the platform: not there', method: 'GET', platform: true, status: 404 },
    { name: 'from another address, a create: not there', method: 'POST', body: { email: 'a@b.io', password: 'password-123', passwordConfirm: 'password-123' }, remote: '10.1.2.3', status: 404 },
    { name: 'passwords that differ', method: 'POST', body: { email: 'a@b.io', password: 'password-123', passwordConfirm: 'other' }, status: 400, content: /validation_values_mismatch/ },
    { name: 'a short password', method: 'POST', body: { email: 'a@b.io', password: 'short', passwordConfirm: 'short' }, status: 400, content: /"password":\{"code":"validation_min_text_constraint"/ },
    { name: 'the first superuser', method: 'POST', body: { email: 'first@example.com', password: 'password-123', passwordConfirm: 'password-123' }, status: 204 },
    { name: 'then: not needed', method: 'GET', status: 200, content: /"needed":false/ },
    { name: 'a second one: refused', method: 'POST', body: { email: 'second@example.com', password: 'password-123', passwordConfirm: 'password-123' }, status: 400, content: /exists already/ },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const res = await call(c.method, c.body, c.remote, c.platform ? platform : server);
      assert.equal(res.statusCode, c.status, res.body);
      if (c.content) assert.match(res.body, c.content);
    });
  }

  test('the system superuser went when the real one came', () => {
    const emails = app.store.data.all<{ email: string }>('SELECT email FROM `_superusers`').map((r) => r.email);
    assert.deepEqual(emails, ['first@example.com']);
    assert.ok(!emails.includes(INSTALLER_EMAIL));
  });
});
