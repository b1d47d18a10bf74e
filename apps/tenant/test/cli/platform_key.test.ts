/** BURROW_PLATFORM_KEY as the control plane passes it to a real `burrow-tenant serve` process. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { signPlatformRequest } from '@burrow/contracts';
import { DEFAULT_SUPERUSER, freePort, startTenant, TENANT_BIN } from '../support/processes.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const KEY = 'c2f1e0d9b8a7968574635241302f1e0d9b8a7968574635241302f1e0d9b8a7';
const BODY = JSON.stringify({ email: DEFAULT_SUPERUSER.email });

function requestToken(url: string, key: string): Promise<Response> {
  return fetch(`${url}/api/_burrow/superuser-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-burrow-signature': signPlatformRequest(key, BODY, Date.now() / 1000) },
    body: BODY,
  });
}

test('with BURROW_PLATFORM_KEY, a signed request gets a working superuser token', async () => {
  const server = await startTenant({ env: { BURROW_PLATFORM_KEY: KEY } });
  try {
    const res = await requestToken(server.url, KEY);
    assert.equal(res.status, 200);
    const { token, record } = (await res.json()) as { token: string; record: { email: string } };
    assert.equal(record.email, DEFAULT_SUPERUSER.email);
    const list = await fetch(`${server.url}/api/collections/_superusers/records`, { headers: { authorization: token } });
    assert.equal(list.status, 200);
    await list.arrayBuffer();
    const forged = await requestToken(server.url, `${KEY}-other`);
    assert.equal(forged.status, 401);
    await forged.arrayBuffer();
  } finally {
    await server.stop();
  }
});

test('without BURROW_PLATFORM_KEY the route does not exist', async () => {
  const server = await startTenant({ env: { BURROW_PLATFORM_KEY: '' } });
  try {
    const res = await requestToken(server.url, KEY);
    assert.equal(res.status, 404);
    await res.arrayBuffer();
  } finally {
    await server.stop();
  }
});

test('a too short BURROW_PLATFORM_KEY stops serve at startup with a message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'burrow-platform-key-'));
  dirs.push(dir);
  const r = spawnSync(process.execPath, [TENANT_BIN, 'serve', '--http', `127.0.0.1:${await freePort()}`, '--dir', dir], {
    encoding: 'utf8', timeout: 30_000, env: { ...process.env, BURROW_PLATFORM_KEY: 'short' },
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /BURROW_PLATFORM_KEY must be at least 32 characters/);
  assert.doesNotMatch(r.stderr, /short/);
});
