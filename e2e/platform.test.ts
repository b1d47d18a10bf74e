/**
 * The whole journey across real processes: the stack of `npm start` (api, worker, proxy,
 * its own Redis, SQLite control DB), tenants as child processes, the official pocketbase SDK
 * reaching an instance by its hostname through the proxy.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { verifyArchive } from '@burrow/backup';
import { EventSource } from 'eventsource';
import sharp from 'sharp';
import PocketBase from 'pocketbase';
import { eventually as pollUntil, freePort, resolveLocalhostSubdomains } from '@burrow/testing';
// @ts-expect-error: plain ESM launcher script without type declarations
import { startStack } from '../scripts/stack.mjs';
import { controlApi, type ApiAnswer } from './support/control_api.js';

interface Stack {
  apiUrl: string;
  proxyPort: number;
  dataDir: string;
  stop(): Promise<void>;
}

const EMAIL = 'journey@example.com';
const PASSWORD = 'correct horse battery';
let stack: Stack;
let dataDir: string;
let token: string;
const lines: string[] = [];

const api = (method: string, path: string, body?: unknown): Promise<ApiAnswer> => controlApi(stack.apiUrl, token, method, path, body);

/** Polls `check` until it returns a value (bounded), with the stack's last output on timeout. */
function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  return pollUntil(what, check, timeoutMs, () => lines.slice(-30).join('\n'));
}

async function statusOf(id: string, wanted: string): Promise<any> {
  return eventually(`instance ${id} ${wanted}`, async () => {
    const r = await api('GET', `/api/instances/${id}`);
    return r.body?.status === wanted ? r.body : undefined;
  });
}

// The SDK's realtime uses the global EventSource, which Node 20 lacks.
(globalThis as { EventSource?: unknown }).EventSource = EventSource;

const instanceUrl = (name: string) => `http://${name}.localhost:${stack.proxyPort}`;

before(async () => {
  resolveLocalhostSubdomains();
  dataDir = mkdtempSync(join(tmpdir(), 'burrow-e2e-'));
  stack = await startStack({
    env: { DATA_DIR: dataDir, API_PORT: String(await freePort()), PROXY_PORT: String(await freePort()), IDLE_TIMEOUT: '3', BACKUP_MIN_INTERVAL: '1', BASE_DOMAIN: 'localhost', REDIS_URL: '', DATABASE_URL: '' },
    log: (role: string, line: string) => { lines.push(`${role} ${line}`); if (lines.length > 2000) lines.shift(); },
  });
  const signup = await fetch(`${stack.apiUrl}/api/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL, password: PASSWORD }) });
  assert.equal(signup.status, 201);
  token = ((await signup.json()) as { token: string }).token;
});

after(async () => {
  // Leave no tenant behind: delete what is left through the api, then stop the stack.
  if (stack) {
    const left = await api('GET', '/api/instances').catch(() => ({ body: [] }));
    for (const i of (left.body ?? []) as Array<{ id: string }>) await api('DELETE', `/api/instances/${i.id}`).catch(() => undefined);
    for (const i of (left.body ?? []) as Array<{ id: string }>) await eventually('cleanup', async () => ((await api('GET', `/api/instances/${i.id}`)).status === 404 ? true : undefined)).catch(() => undefined);
    await stack.stop();
  }
  rmSync(dataDir, { recursive: true, force: true });
});

test('sign up, create, use with the SDK, rename, power, sleep and wake, crash, delete', async (t) => {
  const created = await api('POST', '/api/instances', { name: 'journey' });
  assert.equal(created.status, 202);
  assert.equal(created.body.status, 'provisioning');
  const id: string = created.body.id;

  await t.test('provisioning reaches running with its job at 100%', async () => {
    await statusOf(id, 'running');
    // The job is recorded completed just after the handler marked the instance running.
    const running = await eventually('provision job completed', async () => {
      const r = await api('GET', `/api/instances/${id}`);
      return r.body?.job?.state === 'completed' ? r.body : undefined;
    });
    assert.equal(running.status, 'running');
    assert.equal(running.job.name, 'instance.provision');
    assert.equal(running.job.state, 'completed');
    assert.equal(running.job.percent, 100);
  });

  await t.test('the owner is a superuser (admin sync) and the SDK works through the proxy', async () => {
    const pb = new PocketBase(instanceUrl('journey'));
    await pb.collection('_superusers').authWithPassword(EMAIL, PASSWORD);
    await pb.collections.create({ name: 'posts', type: 'base', listRule: '', viewRule: '', createRule: '', fields: [{ name: 'title', type: 'text', required: true }] });
    for (const title of ['one', 'two', 'three']) await pb.collection('posts').create({ title });
    const list = await pb.collection('posts').getList(1, 10, { sort: 'title' });
    assert.deepEqual(list.items.map((r) => r.title), ['one', 'three', 'two']);
  });

  await t.test('realtime through the proxy: a guest subscriber receives a create as it happens', async () => {
    const watcher = new PocketBase(instanceUrl('journey'));
    const got: string[] = [];
    let arrived: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (arrived = resolve));
    await watcher.collection('posts').subscribe('*', (e) => {
      got.push(`${e.action}:${e.record.title}`);
      arrived();
    });
    try {
      const writer = new PocketBase(instanceUrl('journey'));
      await writer.collection('posts').create({ title: 'live' });
      await Promise.race([first, new Promise((_, reject) => setTimeout(() => reject(new Error('no realtime message within 10 s')), 10_000).unref())]);
      assert.deepEqual(got, ['create:live']);
      // Leave the three posts the later steps count (deleting takes a superuser).
      await writer.collection('_superusers').authWithPassword(EMAIL, PASSWORD);
      await writer.collection('posts').delete((await writer.collection('posts').getFirstListItem('title = "live"')).id);
    } finally {
      await watcher.realtime.unsubscribe();
    }
  });

  await t.test('files through the proxy: a multi-MB upload, its bytes back, a range and a thumb', async () => {
    const pb = new PocketBase(instanceUrl('journey'));
    await pb.collection('_superusers').authWithPassword(EMAIL, PASSWORD);
    await pb.collections.create({
      name: 'docs', type: 'base', listRule: '', viewRule: '', createRule: '',
      fields: [{ name: 'doc', type: 'file', maxSelect: 1, maxSize: 10 << 20 }, { name: 'pic', type: 'file', maxSelect: 1 }],
    });
    const big = randomBytes(3 << 20);
    const image = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#336699' } }).png().toBuffer();
    const rec = await pb.collection('docs').create({ doc: new File([big], 'big.bin'), pic: new File([image], 'pic.png') });
    const got = await fetch(pb.files.getURL(rec, rec.doc));
    assert.equal(got.status, 200);
    assert.ok(Buffer.from(await got.arrayBuffer()).equals(big));
    const part = await fetch(pb.files.getURL(rec, rec.doc), { headers: { range: 'bytes=100-199' } });
    assert.equal(part.status, 206);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(big.subarray(100, 200)));
    const thumb = await fetch(pb.files.getURL(rec, rec.pic, { thumb: '100x100' }));
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    assert.deepEqual([meta.width, meta.height], [100, 100]);
    await pb.collections.delete('docs');
  });

  await t.test('superuser-token gives a working dashboard login', async () => {
    const r = await api('POST', `/api/instances/${id}/superuser-token`);
    assert.equal(r.status, 200);
    assert.match(r.body.dashboardUrl, /^http:\/\/journey\.localhost:\d+\/_\/#token=/);
    const pb = new PocketBase(instanceUrl('journey'));
    pb.authStore.save(r.body.token);
    const collections = await pb.collections.getFullList();
    assert.ok(collections.some((c) => c.name === 'posts'));
  });

  await t.test('rename: the new name answers, the old one is 404', async () => {
    assert.equal((await api('PATCH', `/api/instances/${id}`, { name: 'journey-two' })).status, 200);
    const pb = new PocketBase(instanceUrl('journey-two'));
    assert.equal((await pb.collection('posts').getList(1, 10)).totalItems, 3);
    const old = await eventually('old name 404', async () => {
      const res = await fetch(`${instanceUrl('journey')}/api/health`);
      return res.status === 404 ? res : undefined;
    });
    assert.equal(old.status, 404);
  });

  await t.test('platform backups: back up now, list, download a checked archive, delete; bad input refused', async () => {
    const queued = await api('POST', `/api/instances/${id}/backups`, { name: 'first.zip' });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    assert.equal(queued.body.name, 'first.zip');
    const listed = await eventually('backup listed', async () => {
      const r = await api('GET', `/api/instances/${id}/backups`);
      return (r.body as Array<{ name: string; size: number }>).find((b) => b.name === 'first.zip');
    });
    assert.ok(listed.size > 0);
    const res = await fetch(`${stack.apiUrl}/api/instances/${id}/backups/first.zip`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/zip');
    const zipPath = join(dataDir, 'downloaded.zip');
    writeFileSync(zipPath, Buffer.from(await res.arrayBuffer()));
    await verifyArchive(zipPath, join(dataDir, 'verify'));
    // the backups live outside the instance's own data
    assert.ok(existsSync(join(dataDir, 'backups', id, 'first.zip')));

    // restore in place: a post written after the backup goes; the undo backup brings it back
    const pb = new PocketBase(instanceUrl('journey-two'));
    await pb.collection('_superusers').authWithPassword(EMAIL, PASSWORD);
    const late = await pb.collection('posts').create({ title: 'after the backup' });
    const waitJob = (name: string, key: string) => eventually(`${name} job completed`, async () => {
      const r = await api('GET', `/api/instances/${id}`);
      return r.body?.job?.name === name && r.body.job.state === 'completed' && r.body.job.id === key && r.body.status === 'running' ? true : undefined;
    }, 60_000);
    const restore = await api('POST', `/api/instances/${id}/backups/first.zip/restore`);
    assert.equal(restore.status, 202, JSON.stringify(restore.body));
    assert.match(restore.body.undoName, /^pre_restore_\d{14}_[0-9a-f]{6}\.zip$/);
    await waitJob('instance.restore', restore.body.jobId);
    const afterRestore = new PocketBase(instanceUrl('journey-two'));
    assert.equal((await afterRestore.collection('posts').getList(1, 10)).totalItems, 3, 'the data of the backup moment');
    const undo = await api('POST', `/api/instances/${id}/backups/${restore.body.undoName}/restore`);
    assert.equal(undo.status, 202);
    await waitJob('instance.restore', undo.body.jobId);
    const undone = new PocketBase(instanceUrl('journey-two'));
    await undone.collection('_superusers').authWithPassword(EMAIL, PASSWORD);
    assert.equal((await undone.collection('posts').getOne(late.id)).title, 'after the backup', 'the undo brings the later write back');
    await undone.collection('posts').delete(late.id);
    assert.equal((await api('POST', `/api/instances/${id}/backups/missing.zip/restore`)).status, 404);

    // restore into a new instance: a copy with the backup's data, the source untouched
    const taken = await api('POST', `/api/instances/${id}/backups/first.zip/restore-as-new`, { name: 'journey-two' });
    assert.equal(taken.status, 400);
    const copy = await api('POST', `/api/instances/${id}/backups/first.zip/restore-as-new`, { name: 'journey-copy' });
    assert.equal(copy.status, 202, JSON.stringify(copy.body));
    await statusOf(copy.body.id, 'running');
    const copied = new PocketBase(instanceUrl('journey-copy'));
    await copied.collection('_superusers').authWithPassword(EMAIL, PASSWORD);
    assert.deepEqual((await copied.collection('posts').getFullList({ sort: 'title' })).map((p) => p.title), ['one', 'three', 'two']);
    assert.equal((await api('DELETE', `/api/instances/${copy.body.id}`)).status, 202);
    await eventually('copy deleted', async () => ((await api('GET', `/api/instances/${copy.body.id}`)).status === 404 ? true : undefined));

    const bad = await api('POST', `/api/instances/${id}/backups`, { name: '../escape.zip' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.data.name.code, 'validation_invalid_backup_name');
    assert.equal((await api('POST', `/api/instances/${id}/backups`, { name: 'first.zip' })).body.data.name.code, 'validation_backup_name_exists');
    assert.equal((await api('POST', `/api/instances/${id}/backups`, { name: 'auto_20200101000000.zip' })).body.data.name.code, 'validation_reserved_backup_name');
    assert.equal((await api('GET', '/api/instances/nosuchinstance1/backups')).status, 404);
    assert.equal((await fetch(`${stack.apiUrl}/api/instances/${id}/backups`)).status, 401);
    assert.equal((await api('GET', `/api/instances/${id}/backups/..%2Fcontrol.db`)).status, 404);
    assert.equal((await api('DELETE', `/api/instances/${id}/backups/first.zip`)).status, 204);
    assert.equal((await api('DELETE', `/api/instances/${id}/backups/first.zip`)).status, 404);
    for (const b of (await api('GET', `/api/instances/${id}/backups`)).body as Array<{ name: string }>) await api('DELETE', `/api/instances/${id}/backups/${b.name}`);
    assert.deepEqual((await api('GET', `/api/instances/${id}/backups`)).body, []);
  });

  await t.test('continuous backup: turned on (restart), restore to a moment in place with undo and as a new instance; bad input refused', async () => {
    assert.equal((await api('GET', `/api/instances/${id}/continuous-backup`)).body.enabled, false);
    const on = await api('PUT', `/api/instances/${id}/continuous-backup`, { enabled: true });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    assert.equal(on.body.enabled, true);
    assert.equal(on.body.storage, 'file');
    const waitJob = (name: string, key?: string) => eventually(`${name} job completed`, async () => {
      const r = await api('GET', `/api/instances/${id}`);
      return r.body?.job?.name === name && r.body.job.state === 'completed' && (key === undefined || r.body.job.id === key) && r.body.status === 'running' ? true : undefined;
    }, 60_000);
    await waitJob('instance.power');
    const pb = new PocketBase(instanceUrl('journey-two'));
    await pb.collection('_superusers').authWithPassword(EMAIL, PASSWORD);
    // the restarted tenant replicates: its first snapshot, then (bounds are whole seconds) a
    // write in a later second, seen as a newer replicated moment
    const latestNow = async () => (await api('GET', `/api/instances/${id}/continuous-backup`)).body.latest as string | null;
    // everything written before is shipped within a sync interval (1 s): then the newest moment is stable
    const settled = Date.now();
    await eventually('earlier writes shipped', async () => (Date.now() > settled + 2_000 ? true : undefined));
    const first = await eventually('first snapshot', async () => (await latestNow()) ?? undefined);
    await eventually('a later second', async () => (Date.now() > Date.parse(first) + 2_000 ? true : undefined));
    await pb.collection('posts').create({ title: 'pitr-a' });
    await eventually('write replicated', async () => {
      const latest = await latestNow();
      return latest && Date.parse(latest) > Date.parse(first) ? true : undefined;
    });
    const moment = new Date().toISOString();
    await eventually('a second later', async () => (Date.now() > Date.parse(moment) + 1_100 ? true : undefined));
    const late = await pb.collection('posts').create({ title: 'pitr-b' });
    const titles = async (name: string) => {
      const c = new PocketBase(instanceUrl(name));
      await c.collection('_superusers').authWithPassword(EMAIL, PASSWORD);
      return (await c.collection('posts').getFullList({ sort: 'title' })).map((p) => p.title);
    };

    const restore = await api('POST', `/api/instances/${id}/continuous-backup/restore`, { time: moment });
    assert.equal(restore.status, 202, JSON.stringify(restore.body));
    assert.match(restore.body.name, /^pitr_\d{14}_[0-9a-f]{6}\.zip$/);
    await waitJob('instance.restore', restore.body.jobId);
    assert.deepEqual(await titles('journey-two'), ['one', 'pitr-a', 'three', 'two'], 'the data of that moment');
    const listed = (await api('GET', `/api/instances/${id}/backups`)).body as Array<{ name: string }>;
    assert.ok(listed.some((b) => b.name === restore.body.name), 'the moment is kept as a backup');
    const undo = await api('POST', `/api/instances/${id}/backups/${restore.body.undoName}/restore`);
    await waitJob('instance.restore', undo.body.jobId);
    assert.ok((await titles('journey-two')).includes('pitr-b'), 'the undo brings the later write back');

    const copy = await api('POST', `/api/instances/${id}/continuous-backup/restore-as-new`, { name: 'journey-moment', time: moment });
    assert.equal(copy.status, 202, JSON.stringify(copy.body));
    await statusOf(copy.body.id, 'running');
    assert.deepEqual(await titles('journey-moment'), ['one', 'pitr-a', 'three', 'two']);
    // deleted without ?backups=delete: its backups stay on the platform's disk
    assert.equal((await api('POST', `/api/instances/${copy.body.id}/backups`, { name: 'kept.zip' })).status, 202);
    await eventually('copy backed up', async () => ((await api('GET', `/api/instances/${copy.body.id}/backups`)).body.length === 1 ? true : undefined));
    assert.equal((await api('DELETE', `/api/instances/${copy.body.id}`)).status, 202);
    await eventually('copy deleted', async () => ((await api('GET', `/api/instances/${copy.body.id}`)).status === 404 ? true : undefined));
    assert.ok(existsSync(join(dataDir, 'backups', copy.body.id, 'kept.zip')));

    const code = async (body: unknown) => (await api('POST', `/api/instances/${id}/continuous-backup/restore`, body)).body?.data?.time?.code;
    assert.equal(await code({ time: 'yesterday' }), 'validation_invalid_time');
    assert.equal(await code({ time: new Date(Date.now() + 3_600_000).toISOString() }), 'validation_time_in_future');
    assert.equal(await code({ time: new Date(Date.now() - 3_600_000).toISOString() }), 'validation_time_too_early');
    assert.equal((await api('POST', `/api/instances/${id}/continuous-backup/restore`, {})).status, 400);
    assert.equal((await api('PUT', `/api/instances/${id}/continuous-backup`, { enabled: 'yes' })).status, 400);
    assert.equal((await api('GET', '/api/instances/nosuchinstance1/continuous-backup')).status, 404);
    assert.equal((await api('POST', '/api/instances/nosuchinstance1/continuous-backup/restore', { time: moment })).status, 404);

    const pb2 = new PocketBase(instanceUrl('journey-two'));
    await pb2.collection('_superusers').authWithPassword(EMAIL, PASSWORD);
    await pb2.collection('posts').delete(late.id);
    for (const title of ['pitr-a']) {
      const found = await pb2.collection('posts').getFirstListItem(`title = "${title}"`);
      await pb2.collection('posts').delete(found.id);
    }
    assert.equal((await api('PUT', `/api/instances/${id}/continuous-backup`, { enabled: false })).body.enabled, false);
    await waitJob('instance.power');
    for (const b of (await api('GET', `/api/instances/${id}/backups`)).body as Array<{ name: string }>) await api('DELETE', `/api/instances/${id}/backups/${b.name}`);
  });

  await t.test('power off stops it (503, not woken); power on brings it back', async () => {
    assert.equal((await api('PATCH', `/api/instances/${id}`, { power: 'off' })).status, 200);
    await statusOf(id, 'stopped');
    // The worker marks the row stopped first, then stops the process: wait for the job to end
    // (until then the proxy may still reach the live process through its 1 s route cache).
    await eventually('power-off job completed', async () => {
      const r = await api('GET', `/api/instances/${id}`);
      return r.body?.job?.name === 'instance.power' && r.body.job.state === 'completed' ? true : undefined;
    });
    const res = await fetch(`${instanceUrl('journey-two')}/api/health`);
    assert.equal(res.status, 503);
    assert.equal((await api('GET', `/api/instances/${id}`)).body.status, 'stopped', 'a request does not wake a stopped instance');
    assert.equal((await api('PATCH', `/api/instances/${id}`, { power: 'on' })).status, 200);
    await statusOf(id, 'running');
    const back = await fetch(`${instanceUrl('journey-two')}/api/collections/posts/records`);
    assert.equal(back.status, 200, `${await back.text()}\n${lines.slice(-25).join('\n')}`);
  });

  await t.test('idle: it sleeps, a backup does not wake it, and the next request does', async () => {
    await statusOf(id, 'sleeping');
    const pidFile = join(dataDir, 'instances', id, 'runtime', 'pid.json');
    await eventually('tenant process gone', async () => (existsSync(pidFile) ? undefined : true));
    assert.equal((await api('POST', `/api/instances/${id}/backups`, { name: 'asleep.zip' })).status, 202);
    await eventually('backup of the sleeping instance', async () => (existsSync(join(dataDir, 'backups', id, 'asleep.zip')) ? true : undefined));
    assert.equal((await api('GET', `/api/instances/${id}`)).body.status, 'sleeping', 'still asleep');
    assert.ok(!existsSync(pidFile), 'no tenant process was started');

    // a schedule (seconds allowed here: BACKUP_MIN_INTERVAL=1) fires while it sleeps; retention keeps 2
    const badCron = await api('PUT', `/api/instances/${id}/backup-schedule`, { cron: 'every day' });
    assert.equal(badCron.status, 400);
    assert.equal(badCron.body.data.cron.code, 'validation_invalid_cron');
    const set = await api('PUT', `/api/instances/${id}/backup-schedule`, { cron: '*/2 * * * * *', keep: 2 });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.keep, 2);
    assert.ok(set.body.next);
    const autos = async () => ((await api('GET', `/api/instances/${id}/backups`)).body as Array<{ name: string }>).map((b) => b.name).filter((n) => n.startsWith('auto_')).sort();
    const firstPair = await eventually('two scheduled backups', async () => ((await autos()).length === 2 ? await autos() : undefined), 60_000);
    await eventually('a newer scheduled backup replaced the oldest', async () => {
      const now = await autos();
      return now.length === 2 && now[1] > firstPair[1] && !now.includes(firstPair[0]) ? true : undefined;
    }, 60_000);
    assert.equal((await api('GET', `/api/instances/${id}`)).body.status, 'sleeping', 'the schedule did not wake it');
    assert.ok(!existsSync(pidFile));
    const off = await api('PUT', `/api/instances/${id}/backup-schedule`, { cron: null });
    assert.deepEqual([off.body.cron, off.body.next], [null, null]);
    for (const b of (await api('GET', `/api/instances/${id}/backups`)).body as Array<{ name: string }>) await api('DELETE', `/api/instances/${id}/backups/${b.name}`);
    const started = Date.now();
    const res = await fetch(`${instanceUrl('journey-two')}/api/collections/posts/records`);
    assert.equal(res.status, 200, 'the request is held during the wake, not failed');
    assert.equal(((await res.json()) as { totalItems: number }).totalItems, 3);
    assert.ok(Date.now() - started < 15_000);
    await statusOf(id, 'running');
  });

  await t.test('a killed tenant process comes back', async () => {
    const pidFile = join(dataDir, 'instances', id, 'runtime', 'pid.json');
    const before = JSON.parse(readFileSync(pidFile, 'utf8')).pid as number;
    process.kill(before, 'SIGKILL');
    const after = await eventually('restarted tenant', async () => {
      if (!existsSync(pidFile)) return undefined;
      const pid = JSON.parse(readFileSync(pidFile, 'utf8')).pid as number;
      if (pid === before) return undefined;
      const res = await fetch(`${instanceUrl('journey-two')}/api/health`);
      return res.status === 200 ? pid : undefined;
    });
    assert.notEqual(after, before);
  });

  await t.test('logs stream as server-sent events', async () => {
    const ac = new AbortController();
    const res = await fetch(`${stack.apiUrl}/api/instances/${id}/logs`, { headers: { authorization: `Bearer ${token}` }, signal: ac.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: log')) text += new TextDecoder().decode((await reader.read()).value);
    ac.abort();
    assert.match(text, /"stream":"(stdout|system)"/);
  });

  await t.test('metrics cover instances, jobs and proxied requests', async () => {
    const text = await (await fetch(`${stack.apiUrl}/metrics`)).text();
    assert.match(text, /burrow_instances\{status="running"\} 1/);
    assert.match(text, /burrow_proxy_up 1/);
    assert.match(text, /burrow_proxy_requests_total/);
    assert.match(text, /burrow_proxy_wake_seconds_count/);
  });

  await t.test('delete: the subdomain answers 404, the data dir is gone, and with ?backups=delete its backups too', async () => {
    assert.ok(existsSync(join(dataDir, 'backups', id)), 'it has backups (the schedule and continuous backup ran)');
    assert.equal((await api('DELETE', `/api/instances/${id}?backups=maybe`)).status, 400);
    assert.equal((await api('DELETE', `/api/instances/${id}?backups=delete`)).status, 202);
    await eventually('instance row gone', async () => ((await api('GET', `/api/instances/${id}`)).status === 404 ? true : undefined));
    assert.equal((await fetch(`${instanceUrl('journey-two')}/api/health`)).status, 404);
    assert.equal(existsSync(join(dataDir, 'instances', id)), false);
    assert.equal(existsSync(join(dataDir, 'backups', id)), false);
  });
});
