import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { ConsoleSite } from './console_site.js';

describe('ConsoleSite', () => {
  let dir: string;
  let app: FastifyInstance;
  const script = `console.log(${JSON.stringify('x'.repeat(4000))});`;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'console-site-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Burrow</title><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), script);
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(tmpdir(), 'outside-secret.txt'), 'secret');
    const site = ConsoleSite.load(dir);
    assert.ok(site);
    app = Fastify();
    app.get('/api/health', async () => ({ ok: true }));
    site.register(app);
    await app.ready();
  });
  after(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

  const cases: Array<{ name: string; url: string; status: number; type?: RegExp; body?: RegExp; cache?: RegExp }> = [
    { name: 'root is index.html', url: '/', status: 200, type: /text\/html/, body: /id="root"/, cache: /no-cache/ },
    { name: 'client route gets index.html', url: '/instances/abc123def456ghi/logs', status: 200, type: /text\/html/, body: /id="root"/ },
    { name: 'client route with a query', url: '/login?next=%2Finstances', status: 200, body: /id="root"/ },
    { name: 'hashed asset is immutable', url: '/assets/index-abc123.js', status: 200, type: /text\/javascript/, cache: /immutable/ },
    { name: 'other file', url: '/favicon.svg', status: 200, type: /image\/svg\+xml/, cache: /no-cache/ },
    { name: 'missing file is 404, not the page', url: '/assets/nope.js', status: 404 },
    { name: 'api miss is JSON 404', url: '/api/nothing', status: 404, type: /json/, body: /"status":404/ },
    { name: 'api route still wins', url: '/api/health', status: 200, body: /"ok":true/ },
    { name: 'metrics prefix is never the page', url: '/metrics-ish', status: 404 },
    { name: 'traversal cannot leave the build', url: '/..%2Foutside-secret.txt', status: 404 },
    { name: 'dot segments cannot leave the build', url: '/assets/../../outside-secret.txt', status: 404 },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const r = await get(c.url);
      assert.equal(r.statusCode, c.status, r.body);
      if (c.type) assert.match(String(r.headers['content-type']), c.type);
      if (c.body) assert.match(r.body, c.body);
      if (c.cache) assert.match(String(r.headers['cache-control']), c.cache);
      assert.doesNotMatch(r.body, /secret/);
    });
  }

  test('security headers on the page', async () => {
    const r = await get('/');
    assert.match(String(r.headers['content-security-policy']), /default-src 'self'/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['x-frame-options'], 'DENY');
  });

  test('ETag revalidation answers 304', async () => {
    const first = await get('/assets/index-abc123.js');
    const etag = String(first.headers.etag);
    assert.match(etag, /^".+"$/);
    const again = await get('/assets/index-abc123.js', { 'if-none-match': etag });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
  });

  test('precompressed bodies by Accept-Encoding', async () => {
    const gz = await get('/assets/index-abc123.js', { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.rawPayload).toString(), script);
    assert.ok(gz.rawPayload.length < script.length / 10);
    const br = await get('/assets/index-abc123.js', { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    const plain = await get('/assets/index-abc123.js');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body, script);
    // Each representation has its own validator; q=0 refuses a coding.
    assert.notEqual(gz.headers.etag, plain.headers.etag);
    assert.notEqual(br.headers.etag, gz.headers.etag);
    const noBr = await get('/assets/index-abc123.js', { 'accept-encoding': 'br;q=0, gzip' });
    assert.equal(noBr.headers['content-encoding'], 'gzip');
    const none = await get('/assets/index-abc123.js', { 'accept-encoding': 'gzip;q=0' });
    assert.equal(none.headers['content-encoding'], undefined);
  });

  test('HEAD works like GET without a body', async () => {
    const r = await app.inject({ method: 'HEAD', url: '/' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.body, '');
  });

  test('no build: load answers undefined', () => {
    assert.equal(ConsoleSite.load(join(dir, 'missing')), undefined);
  });
});
