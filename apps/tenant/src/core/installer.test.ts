import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TenantApp } from './app.js';
import { INSTALLER_EMAIL, installerUrl, needsInstaller } from './installer.js';
import { upsertSuperuser } from './superusers.js';

describe('first run: the printed installer link', () => {
  let dir: string;
  let app: TenantApp;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'installer-'));
    app = TenantApp.open({ dir });
  });
  after(() => {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const emails = () => app.store.data.all<{ email: string }>('SELECT email FROM `_superusers`').map((r) => r.email);

  test('a system superuser and its non-refreshable 30-minute token, made once', () => {
    const url = String(installerUrl(app, 'http://127.0.0.1:8090/'));
    assert.match(url, /^http:\/\/127\.0\.0\.1:8090\/_\/#\/pbinstall\/[\w-]+\.[\w-]+\.[\w-]+$/);
    const token = url.split('/pbinstall/')[1] ?? '';
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { refreshable: boolean; exp: number; type: string };
    assert.equal(claims.type, 'auth');
    assert.equal(claims.refreshable, false);
    assert.ok(claims.exp - Date.now() / 1000 <= 30 * 60 + 5);
    assert.equal(needsInstaller(app), true, 'the system superuser does not count');
    installerUrl(app, 'http://127.0.0.1:8090');
    assert.deepEqual(emails(), [INSTALLER_EMAIL], 'one system superuser, however many starts');
  });

  test('the first real superuser removes the system one; then no link', () => {
    upsertSuperuser(app, 'first@example.com', 'password-123');
    assert.deepEqual(emails(), ['first@example.com']);
    assert.equal(needsInstaller(app), false);
    assert.equal(installerUrl(app, 'http://127.0.0.1:8090'), undefined);
  });
});
