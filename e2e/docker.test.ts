/**
 * The whole stack with RUNTIME=docker: api, worker and proxy of `npm start` with tenants as
 * containers of the real daemon (the image the bootstrap builds), reached with the official
 * SDK through the proxy; the containers' limits and labels checked through the Docker API.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Docker from 'dockerode';
import PocketBase from 'pocketbase';
import { removeDockerNamespace } from '@burrow/runtime';
import { eventually as pollUntil, freePort, resolveLocalhostSubdomains } from '@burrow/testing';
// @ts-expect-error: plain ESM launcher script without type declarations
import { startStack } from '../scripts/stack.mjs';
import { controlApi, readLogsUntil, type ApiAnswer } from './support/control_api.js';

interface Stack {
  apiUrl: string;
  proxyPort: number;
  stop(): Promise<void>;
}

const EMAIL = 'docker@example.com';
const PASSWORD = 'correct horse battery';
const IMAGE = 'burrow/tenant:local';
const namespace = `e2e${randomBytes(4).toString('hex')}`;
const docker = new Docker({ socketPath: '/var/run/docker.sock' });
let stack: Stack;
let dataDir: string;
let token: string;
const lines: string[] = [];

const api = (method: string, path: string, body?: unknown): Promise<ApiAnswer> => controlApi(stack.apiUrl, token, method, path, body);

function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  return pollUntil(what, check, timeoutMs, () => lines.slice(-30).join('\n'));
}

async function inspect(name: string): Promise<Docker.ContainerInspectInfo | undefined> {
  return docker.getContainer(name).inspect().catch(() => undefined);
}

before(async () => {
  await docker.ping();
  await docker.getImage(IMAGE).inspect(); // built by the bootstrap (docker/README.md)
  resolveLocalhostSubdomains();
  dataDir = mkdtempSync(join(tmpdir(), 'burrow-e2e-docker-'));
  stack = await startStack({
    env: {
      DATA_DIR: dataDir, API_PORT: String(await freePort()), PROXY_PORT: String(await freePort()), IDLE_TIMEOUT: '3', BASE_DOMAIN: 'localhost',
      REDIS_URL: '', DATABASE_URL: '', RUNTIME: 'docker', DOCKER_NAMESPACE: namespace, TENANT_IMAGE: IMAGE, TENANT_MEMORY_MB: '192', TENANT_PIDS: '128',
    },
    log: (role: string, line: string) => { lines.push(`${role} ${line}`); if (lines.length > 2000) lines.shift(); },
  });
  const signup = await fetch(`${stack.apiUrl}/api/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL, password: PASSWORD }) });
  assert.equal(signup.status, 201);
  token = ((await signup.json()) as { token: string }).token;
});

after(async () => {
  await stack?.stop();
  await removeDockerNamespace(docker, namespace);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('RUNTIME=docker: create, use with the SDK through the proxy, limits and labels, sleep and wake, delete leaves nothing', async (t) => {
  const created = await api('POST', '/api/instances', { name: 'boxed' });
  assert.equal(created.status, 202, JSON.stringify(created.body));
  const id: string = created.body.id;
  const url = `http://boxed.localhost:${stack.proxyPort}`;
  await eventually('instance running', async () => ((await api('GET', `/api/instances/${id}`)).body?.status === 'running' ? true : undefined));

  await t.test('the SDK works through the proxy; the owner is a superuser in the container', async () => {
    const pb = new PocketBase(url);
    await pb.collection('_superusers').authWithPassword(EMAIL, PASSWORD);
    await pb.collections.create({ name: 'notes', type: 'base', listRule: '', viewRule: '', createRule: '', fields: [{ name: 'text', type: 'text' }] });
    await pb.collection('notes').create({ text: 'in a container' });
    assert.deepEqual((await new PocketBase(url).collection('notes').getFullList()).map((r) => r.text), ['in a container']);
  });

  await t.test('the container: labelled, limited by the platform config, read-only root, no capabilities', async () => {
    const info = await inspect(`${namespace}-${id}`);
    assert.ok(info?.State.Running, 'running under its own name');
    assert.equal(info.Config.Labels['burrow.instance'], id);
    assert.equal(info.HostConfig.Memory, 192 * 1024 * 1024);
    assert.equal(info.HostConfig.PidsLimit, 128);
    assert.equal(info.HostConfig.ReadonlyRootfs, true);
    assert.deepEqual(info.HostConfig.CapDrop, ['ALL']);
    assert.equal(info.Config.User, '1000:1000');
    assert.deepEqual(info.Mounts.map((m) => m.Name), [`${namespace}-${id}-data`]);
  });

  await t.test('idle: it sleeps (its container stopped), the next request wakes it with its data', async () => {
    await eventually('instance sleeping', async () => ((await api('GET', `/api/instances/${id}`)).body?.status === 'sleeping' ? true : undefined));
    assert.equal((await inspect(`${namespace}-${id}`)), undefined, 'no running container');
    assert.equal((await inspect(`${namespace}-${id}.stopped`))?.State.Running, false);
    const woken = await fetch(`${url}/api/collections/notes/records`);
    assert.equal(woken.status, 200);
    assert.equal(((await woken.json()) as { totalItems: number }).totalItems, 1);
    assert.ok((await inspect(`${namespace}-${id}`))?.State.Running);
  });

  await t.test('live logs of the container reach the api', async () => {
    const { status, text } = await readLogsUntil(stack.apiUrl, token, id, /Server started/);
    assert.equal(status, 200);
    assert.match(text, /Server started/);
  });

  await t.test('deployed code runs in the container, confined to it: a route answers; the platform\'s files are out of its reach', async () => {
    const hook = `import { existsSync } from 'node:fs';
export default (app) => {
  console.log('container code loaded');
  app.onServe((e) => {
    e.router.get('/api/peek', () => ({ controlDb: existsSync(${JSON.stringify(join(dataDir, 'control.db'))}), data: existsSync('/data/pb_data/data.db') }));
    e.next();
  });
};
`;
    const queued = await api('PUT', `/api/instances/${id}/deploy`, { files: { 'hooks/peek.js': hook } });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    await eventually('deploy completed', async () => {
      const r = await api('GET', `/api/instances/${id}`);
      if (r.body?.job?.id === queued.body.jobId && r.body.job.state === 'failed') throw new Error(r.body.job.error);
      return r.body?.job?.id === queued.body.jobId && r.body.job.state === 'completed' ? true : undefined;
    });
    const peek = await fetch(`${url}/api/peek`);
    assert.equal(peek.status, 200);
    assert.deepEqual(await peek.json(), { controlDb: false, data: true }, 'its own data only');
  });

  await t.test('continuous backup is refused with a clear reason (not available for containers yet); nothing changes', async () => {
    const r = await api('PUT', `/api/instances/${id}/continuous-backup`, { enabled: true });
    assert.equal(r.status, 400);
    assert.equal(r.body.data.enabled.code, 'validation_not_supported');
    assert.equal((await api('GET', `/api/instances/${id}/continuous-backup`)).body.enabled, false);
  });

  await t.test('platform backups of a container instance: back up now, listed, downloadable', async () => {
    assert.equal((await api('POST', `/api/instances/${id}/backups`, { name: 'boxed.zip' })).status, 202);
    const listed = await eventually('backup listed', async () => {
      const r = await api('GET', `/api/instances/${id}/backups`);
      return (r.body as Array<{ name: string; size: number }>).find((b) => b.name === 'boxed.zip');
    });
    assert.ok(listed.size > 0);
    const res = await fetch(`${stack.apiUrl}/api/instances/${id}/backups/boxed.zip`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.equal(Buffer.from(await res.arrayBuffer()).subarray(0, 2).toString('latin1'), 'PK');
  });

  await t.test('delete: container and volume gone', async () => {
    assert.equal((await api('DELETE', `/api/instances/${id}`)).status, 202);
    await eventually('instance gone', async () => ((await api('GET', `/api/instances/${id}`)).status === 404 ? true : undefined));
    const filters = { label: [`burrow.instance=${id}`, `burrow.namespace=${namespace}`] };
    assert.deepEqual(await docker.listContainers({ all: true, filters }), []);
    assert.deepEqual((await docker.listVolumes({ filters })).Volumes ?? [], []);
  });
});
