/**
 * Logs, crons and rate limits in process: requests land in auxiliary.db with PocketBase's
 * fields and are listed, filtered, counted per hour and shown by id; retention runs as the
 * __pbLogsCleanup__ job; rate limit rules answer 429 per label, audience and client.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TenantApp } from '../../src/core/app.js';
import type { Settings } from '../../src/core/settings.js';
import { fixture } from '../support/fixture.js';
import { runScenario, scenarios } from '../support/scenario.js';

const fx = () => fixture().dir;
const su = () => ({ authorization: fixture().superuserToken });
const user = () => ({ authorization: fixture().user1Token });

function withSettings(app: TenantApp, change: (s: Settings) => void): void {
  const next = structuredClone(app.settings.get());
  change(next);
  app.write(() => app.settings.save(next));
}

interface Page { totalItems: number; items: Array<{ id: string; message: string; level: number; data: Record<string, unknown> }> }

scenarios(fx, [
  { name: 'logs list as guest', method: 'GET', url: '/api/logs', expectedStatus: 401 },
  { name: 'logs list as a user', method: 'GET', url: '/api/logs', get headers() { return user(); }, expectedStatus: 403 },
  { name: 'logs stats as guest', method: 'GET', url: '/api/logs/stats', expectedStatus: 401 },
  { name: 'log view unknown id', method: 'GET', url: '/api/logs/missing', get headers() { return su(); }, expectedStatus: 404 },
  { name: 'logs list with a bad filter', method: 'GET', url: '/api/logs?filter=nope%3D1', get headers() { return su(); }, expectedStatus: 400 },
  { name: 'crons as guest', method: 'GET', url: '/api/crons', expectedStatus: 401 },
  { name: 'crons as a user', method: 'POST', url: '/api/crons/__pbLogsCleanup__', get headers() { return user(); }, expectedStatus: 403 },
  { name: 'run an unknown cron', method: 'POST', url: '/api/crons/nope', get headers() { return su(); }, expectedStatus: 404, expectedContent: ['Missing or invalid cron job.'] },
  {
    name: 'crons list: the built-in jobs', method: 'GET', url: '/api/crons', get headers() { return su(); }, expectedStatus: 200,
    expectedContent: ['{"id":"__pbLogsCleanup__","expression":"0 */6 * * *"}', '{"id":"__pbDBOptimize__","expression":"0 0 * * *"}'],
  },
]);

test('requests are logged in auxiliary.db with PocketBase\'s fields, listed, filtered, counted and shown', async () => {
  await runScenario(fx(), {
    name: 'logs', method: 'GET', url: '/api/collections/tags/records', headers: { 'user-agent': 'burrow-test', referer: 'http://ref.example/' }, expectedStatus: 200,
    afterTest: async (app, _body, server) => {
      await server.inject({ method: 'GET', url: '/api/collections/missing/records', headers: user() });
      await server.inject({ method: 'GET', url: '/api/logs', headers: su() }); // not logged: the logs API skips its successes
      const list = (await server.inject({ method: 'GET', url: '/api/logs?sort=-@rowid', headers: su() })).json() as Page;
      assert.equal(list.totalItems, 2);
      const [failed, ok] = list.items;
      assert.equal(ok.message, 'GET /api/collections/tags/records');
      assert.equal(ok.level, 0);
      assert.deepEqual(Object.keys(ok.data).sort(), ['auth', 'execTime', 'method', 'referer', 'remoteIP', 'status', 'type', 'url', 'userAgent', 'userIP']);
      assert.equal(ok.data.type, 'request');
      assert.equal(ok.data.status, 200);
      assert.equal(ok.data.userAgent, 'burrow-test');
      assert.equal(ok.data.referer, 'http://ref.example/');
      assert.equal(ok.data.auth, '');
      assert.equal(typeof ok.data.execTime, 'number');
      assert.equal(failed.level, 8);
      assert.equal(failed.data.status, 404);
      assert.equal(failed.data.auth, 'users');
      assert.equal(failed.data.error, 'Missing collection context.');
      assert.deepEqual(failed.data.details, {});

      const filtered = (await server.inject({ method: 'GET', url: `/api/logs?filter=${encodeURIComponent('data.status >= 400 && level = 8')}`, headers: su() })).json() as Page;
      assert.deepEqual(filtered.items.map((i) => i.id), [failed.id]);
      const stats = (await server.inject({ method: 'GET', url: '/api/logs/stats', headers: su() })).json() as Array<{ total: number; date: string }>;
      assert.equal(stats.reduce((n, s) => n + s.total, 0), 2);
      assert.match(stats[0].date, /^\d{4}-\d{2}-\d{2} \d{2}:00:00\.000Z$/);
      const byStatus = (await server.inject({ method: 'GET', url: '/api/logs?sort=-data.status', headers: su() })).json() as Page;
      assert.deepEqual(byStatus.items.map((i) => i.data.status), [404, 200]);
      const one = (await server.inject({ method: 'GET', url: `/api/logs/${ok.id}`, headers: su() })).json() as { id: string };
      assert.equal(one.id, ok.id);

      // never in data.db
      assert.equal(app.store.data.get("SELECT name FROM sqlite_master WHERE name = '_logs'"), undefined);
      assert.ok(app.store.aux.get<{ n: number }>('SELECT COUNT(*) AS n FROM `_logs`')!.n >= 2);
    },
  });
});

test('logs.maxDays = 0 turns logging off; retention deletes old entries through the cron job', async () => {
  await runScenario(fx(), {
    name: 'retention', method: 'GET', url: '/api/health', expectedStatus: 200,
    afterTest: async (app, _body, server) => {
      app.logs.add(0, 'old', {});
      app.logs.flush();
      app.store.aux.run("UPDATE `_logs` SET created = '2000-01-01 00:00:00.000Z' WHERE message = 'old'");
      const before = app.store.aux.get<{ n: number }>('SELECT COUNT(*) AS n FROM `_logs`')!.n;
      assert.equal((await server.inject({ method: 'POST', url: '/api/crons/__pbLogsCleanup__', headers: su() })).statusCode, 204);
      // the job runs in the background
      for (let i = 0; i < 50 && app.store.aux.get("SELECT 1 AS x FROM `_logs` WHERE message = 'old'"); i++) await new Promise((r) => setImmediate(r));
      assert.equal(app.store.aux.get("SELECT 1 AS x FROM `_logs` WHERE message = 'old'"), undefined);
      assert.equal(app.store.aux.get<{ n: number }>('SELECT COUNT(*) AS n FROM `_logs`')!.n, before - 1);

      withSettings(app, (s) => (s.logs.maxDays = 0));
      app.logs.flush();
      const count = app.store.aux.get<{ n: number }>('SELECT COUNT(*) AS n FROM `_logs`')!.n;
      await server.inject({ method: 'GET', url: '/api/collections/tags/records' });
      app.logs.flush();
      assert.equal(app.store.aux.get<{ n: number }>('SELECT COUNT(*) AS n FROM `_logs`')!.n, count);
    },
  });
});

test('rate limits: 429 per label and client, audiences, superusers and excluded IPs exempt, reset on settings change', async () => {
  await runScenario(fx(), {
    name: 'rate limits', method: 'GET', url: '/api/health', expectedStatus: 200,
    afterTest: async (app, _body, server) => {
      withSettings(app, (s) => {
        s.rateLimits.enabled = true;
        s.rateLimits.rules = [
          { label: 'tags:list', audience: '', maxRequests: 2, duration: 60 },
          { label: '/api/health', audience: '@guest', maxRequests: 1, duration: 60 },
        ];
      });
      const get = (url: string, headers: Record<string, string> = {}) => server.inject({ method: 'GET', url, headers }).then((r) => r.statusCode);
      assert.deepEqual([await get('/api/collections/tags/records'), await get('/api/collections/tags/records'), await get('/api/collections/tags/records')], [200, 200, 429]);
      const body = (await server.inject({ method: 'GET', url: '/api/collections/tags/records' })).json();
      assert.deepEqual(body, { status: 429, message: 'Too Many Requests.', data: {} });
      // another collection is not limited by tags:list
      assert.equal(await get('/api/collections/posts/records'), 200);
      // superusers are never limited
      assert.equal(await get('/api/collections/tags/records', su()), 200);
      // a guest-only rule leaves authenticated callers alone
      assert.deepEqual([await get('/api/health'), await get('/api/health'), await get('/api/health', user())], [200, 429, 200]);
      // percent-encoding reaches the same route and the same rule
      withSettings(app, (s) => (s.rateLimits.rules = [{ label: '/api/health', audience: '', maxRequests: 1, duration: 60 }]));
      assert.deepEqual([await get('/api/health'), await get('/%61pi/health'), await get('/api/%68ealth')], [200, 429, 429]);
      withSettings(app, (s) => (s.rateLimits.rules = [
        { label: 'tags:list', audience: '', maxRequests: 2, duration: 60 },
        { label: '/api/health', audience: '@guest', maxRequests: 1, duration: 60 },
      ]));
      // excluded IPs (inject comes from 127.0.0.1)
      withSettings(app, (s) => (s.rateLimits.excludedIPs = ['127.0.0.0/8']));
      assert.equal(await get('/api/collections/tags/records'), 200);
      // a settings change starts new windows
      withSettings(app, (s) => (s.rateLimits.excludedIPs = []));
      assert.deepEqual([await get('/api/collections/tags/records'), await get('/api/collections/tags/records'), await get('/api/collections/tags/records')], [200, 200, 429]);
      // the sweeper job appeared once limiting was used
      assert.ok(app.cron.list().some((j) => j.id === '__pbRateLimitersCleanup__'));
    },
  });
});

test('trusted proxy headers decide the client IP for limits and logs', async () => {
  await runScenario(fx(), {
    name: 'trusted proxy', method: 'GET', url: '/api/health', expectedStatus: 200,
    afterTest: async (app, _body, server) => {
      withSettings(app, (s) => {
        s.trustedProxy.headers = ['X-Forwarded-For'];
        s.rateLimits.enabled = true;
        s.rateLimits.rules = [{ label: 'tags:list', audience: '', maxRequests: 1, duration: 60 }];
      });
      const get = (ip: string) => server.inject({ method: 'GET', url: '/api/collections/tags/records', headers: { 'x-forwarded-for': `203.0.113.9, ${ip}` } }).then((r) => r.statusCode);
      assert.deepEqual([await get('198.51.100.1'), await get('198.51.100.1'), await get('198.51.100.2')], [200, 429, 200]);
      app.logs.flush();
      const last = app.store.aux.get<{ data: string }>('SELECT data FROM `_logs` ORDER BY rowid DESC LIMIT 1')!;
      const data = JSON.parse(last.data) as Record<string, unknown>;
      assert.equal(data.userIP, '198.51.100.2');
      assert.equal(data.remoteIP, '127.0.0.1');
    },
  });
});

test('behind Burrow\'s proxy (platform key set), the rightmost X-Forwarded-For is the client until settings say otherwise', async () => {
  await runScenario(fx(), {
    name: 'platform proxy', method: 'GET', url: '/api/health', expectedStatus: 200,
    serverOptions: { platformKey: 'k'.repeat(40) },
    afterTest: async (app, _body, server) => {
      const lastIP = async (xff: string) => {
        await server.inject({ method: 'GET', url: '/api/collections/tags/records', headers: { 'x-forwarded-for': xff } });
        app.logs.flush();
        const row = app.store.aux.get<{ data: string }>('SELECT data FROM `_logs` ORDER BY rowid DESC LIMIT 1')!;
        return (JSON.parse(row.data) as { userIP: string }).userIP;
      };
      assert.equal(await lastIP('203.0.113.9, 198.51.100.7'), '198.51.100.7');
      withSettings(app, (s) => {
        s.trustedProxy.headers = ['X-Real-IP'];
      });
      assert.equal(await lastIP('203.0.113.9, 198.51.100.7'), '127.0.0.1');
    },
  });
});
