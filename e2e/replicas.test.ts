/**
 * LiteFS read replicas across the whole stack, on real mounts (issue 7): the owner adds
 * replicas through the control API (the first moves the database into LiteFS), the proxy
 * spreads reads over them and sends writes to the primary, a client always reads its own
 * writes, a replica killed under read load costs no request and comes back to the primary's
 * exact position, the primary survives a restart, and bad requests get a clear 4xx.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import PocketBase from 'pocketbase';
import { liteFsForTests } from '@burrow/litefs/testing';
import { eventually as pollUntil, freePort, resolveLocalhostSubdomains } from '@burrow/testing';
// @ts-expect-error: plain ESM launcher script without type declarations
import { startStack } from '../scripts/stack.mjs';
import { controlApi, deleteInstancesOf, type ApiAnswer } from './support/control_api.js';

interface Stack {
  apiUrl: string;
  proxyPort: number;
  stop(): Promise<void>;
}

interface NodeView {
  id: string;
  role: 'primary' | 'replica';
  status: string;
  healthy: boolean;
  lagMs: number | null;
  txid: number | null;
}

const lfs = liteFsForTests();
const PASSWORD = 'correct horse battery';
let stack: Stack;
let dataDir: string;
const lines: string[] = [];
const tokens: string[] = [];

const api = (token: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> => controlApi(stack.apiUrl, token, method, path, body);

function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  return pollUntil(what, check, timeoutMs, () => lines.slice(-40).join('\n'));
}

async function signup(email: string): Promise<string> {
  const res = await fetch(`${stack.apiUrl}/api/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  assert.equal(res.status, 201);
  const { token } = (await res.json()) as { token: string };
  tokens.push(token);
  return token;
}

async function createRunning(token: string, name: string): Promise<string> {
  const created = await api(token, 'POST', '/api/instances', { name });
  assert.equal(created.status, 202);
  const id: string = created.body.id;
  await eventually(`${name} running`, async () => ((await api(token, 'GET', `/api/instances/${id}`)).body?.status === 'running' ? true : undefined));
  return id;
}

async function nodesOf(token: string, id: string): Promise<NodeView[]> {
  const r = await api(token, 'GET', `/api/instances/${id}/replicas`);
  assert.equal(r.status, 200);
  return r.body.nodes as NodeView[];
}

/** Waits until the instance has `replicas` healthy replicas and a healthy primary. */
function healthyCluster(token: string, id: string, replicas: number, timeoutMs = 90_000): Promise<NodeView[]> {
  return eventually(`${replicas} healthy replicas`, async () => {
    const nodes = await nodesOf(token, id);
    const ok = nodes.length === replicas + 1 && nodes.every((n) => n.status === 'running' && n.healthy);
    return ok ? nodes : undefined;
  }, timeoutMs);
}

/** The LiteFS position file of a node, as the runtime lays it out. */
const positionOf = (nodeId: string): string => readFileSync(join(dataDir, 'instances', nodeId, 'db', 'data.db-pos'), 'utf8').trim();
const pidOf = (nodeId: string): number => (JSON.parse(readFileSync(join(dataDir, 'instances', nodeId, 'runtime', 'pid.json'), 'utf8')) as { pid: number }).pid;
const mountsUnder = (dir: string): string[] => readFileSync('/proc/mounts', 'utf8').split('\n').filter((l) => l.includes(dir));

describe('LiteFS read replicas through the stack', { skip: lfs.skip, timeout: 600_000 }, () => {
  let owner: string;
  let id: string;
  let url: string;
  let admin: PocketBase;

  before(async () => {
    resolveLocalhostSubdomains();
    dataDir = mkdtempSync(join(tmpdir(), 'burrow-e2e-replicas-'));
    stack = await startStack({
      env: { DATA_DIR: dataDir, API_PORT: String(await freePort()), PROXY_PORT: String(await freePort()), IDLE_TIMEOUT: '0', BASE_DOMAIN: 'localhost', REDIS_URL: '', DATABASE_URL: '', REPLICA_QUOTA: '2', LITEFS_BIN: lfs.bin },
      log: (role: string, line: string) => {
        lines.push(`${role} ${line}`);
        if (lines.length > 3000) lines.shift();
      },
    });
    owner = await signup('scale@example.com');
    id = await createRunning(owner, 'scaled');
    url = `http://scaled.localhost:${stack.proxyPort}`;
    admin = new PocketBase(url);
    await admin.collection('_superusers').authWithPassword('scale@example.com', PASSWORD);
    await admin.collections.create({
      name: 'posts', type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '',
      fields: [{ name: 'title', type: 'text' }, { name: 'file', type: 'file', maxSelect: 1, maxSize: 1_000_000 }],
    });
    for (let i = 0; i < 20; i++) await admin.collection('posts').create({ title: `before ${i}` });
  });

  after(async () => {
    if (stack) await deleteInstancesOf(stack.apiUrl, tokens);
    await stack?.stop();
    const left = dataDir ? mountsUnder(dataDir) : [];
    if (dataDir && left.length === 0) rmSync(dataDir, { recursive: true, force: true });
    assert.deepEqual(left, [], 'no LiteFS mount outlives its instance');
  });

  test('adding replicas: the database moves into LiteFS with its data, two replicas catch up, a third is over the quota', async () => {
    const first = await api(owner, 'POST', `/api/instances/${id}/replicas`);
    assert.equal(first.status, 202, JSON.stringify(first.body));
    assert.equal(first.body.node.role, 'replica');
    assert.equal(first.body.node.status, 'provisioning');
    await healthyCluster(owner, id, 1);
    const view = await api(owner, 'GET', `/api/instances/${id}/replicas`);
    assert.equal(view.body.replicated, true);
    assert.deepEqual(view.body.quota, { used: 1, limit: 2 });
    assert.equal((await admin.collection('posts').getList(1, 1)).totalItems, 20, 'the data came along');

    assert.equal((await api(owner, 'POST', `/api/instances/${id}/replicas`)).status, 202);
    const nodes = await healthyCluster(owner, id, 2);
    assert.deepEqual(nodes.map((n) => n.role), ['primary', 'replica', 'replica']);
    const over = await api(owner, 'POST', `/api/instances/${id}/replicas`);
    assert.equal(over.status, 403);
    assert.match(over.body.message, /limit of 2 read replicas/);
    assert.equal((await nodesOf(owner, id)).length, 3, 'nothing was added');
  });

  test('a write through the proxy reaches every replica within the lag budget; reads are spread over the replicas', async () => {
    const replicaIds = (await nodesOf(owner, id)).filter((n) => n.role === 'replica').map((n) => n.id);
    // The proxy reads an instance's nodes through a 1 s cache: a change of topology (the move into LiteFS, a new replica) shows up within it.
    await eventually('both replicas take reads', async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) seen.add((await fetch(`${url}/api/health`)).headers.get('x-burrow-node') ?? '?');
      return replicaIds.every((r) => seen.has(r)) ? true : undefined;
    }, 10_000);
    // A keep-alive connection also reuses its last route for up to 1 s: until then its requests
    // still go to the primary as to a plain instance (right, but without the node header).
    const res = await eventually('a write through the replicated route', async () => {
      const r = await fetch(`${url}/api/collections/posts/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'fresh' }) });
      assert.equal(r.status, 200);
      if (r.headers.get('x-burrow-node') !== null) return r;
      const { id: early } = (await r.json()) as { id: string };
      await admin.collection('posts').delete(early); // only one "fresh" record is counted below
      return undefined;
    }, 5_000);
    assert.equal(res.headers.get('x-burrow-node'), id, 'the write went to the primary');
    const tx = Number(res.headers.get('burrow-txnum'));
    const wrote = Date.now();
    await eventually('every replica applied the write', async () => {
      const nodes = await nodesOf(owner, id);
      return nodes.every((n) => (n.txid ?? 0) >= tx) ? true : undefined;
    }, 5_000);
    assert.ok(Date.now() - wrote < 2_000, `replicated within the 2 s lag budget (${Date.now() - wrote} ms)`);

    const servedBy = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const r = await fetch(`${url}/api/collections/posts/records?filter=${encodeURIComponent('title="fresh"')}`);
      assert.equal(r.status, 200);
      assert.equal(((await r.json()) as { totalItems: number }).totalItems, 1);
      const node = r.headers.get('x-burrow-node') ?? '?';
      servedBy.set(node, (servedBy.get(node) ?? 0) + 1);
    }
    for (const r of replicaIds) assert.ok((servedBy.get(r) ?? 0) >= 5, `replica ${r} served reads: ${JSON.stringify([...servedBy])}`);
  });

  test('read-your-writes: a client reading right after its own write always sees it (token and cookie)', async () => {
    const user = new PocketBase(url);
    await user.collection('_superusers').authWithPassword('scale@example.com', PASSWORD);
    for (let i = 0; i < 40; i++) {
      const created = await user.collection('posts').create({ title: `ryw ${i}` });
      const read = await user.collection('posts').getOne(created.id);
      assert.equal(read.title, `ryw ${i}`);
      const updated = await user.collection('posts').update(created.id, { title: `ryw ${i} v2` });
      assert.equal((await user.collection('posts').getOne(updated.id)).title, `ryw ${i} v2`);
    }
    // A browser-like client without credentials: the txnum cookie carries its last write.
    for (let i = 0; i < 40; i++) {
      const w = await fetch(`${url}/api/collections/posts/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: `cookie ${i}` }) });
      const cookie = (w.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      assert.match(cookie, /^txnum=\d+$/);
      const { id: rid } = (await w.json()) as { id: string };
      const r = await fetch(`${url}/api/collections/posts/records/${rid}`, { headers: { cookie } });
      assert.equal(r.status, 200, `read ${i} after its write (${r.headers.get('x-burrow-node')})`);
    }
  });

  test('writes, realtime and file uploads go to the primary; a file is downloaded from the primary\'s storage', async () => {
    const form = new FormData();
    form.append('title', 'with a file');
    form.append('file', new Blob([Buffer.from('hello replicas')], { type: 'text/plain' }), 'note.txt');
    const up = await fetch(`${url}/api/collections/posts/records`, { method: 'POST', body: form });
    assert.equal(up.status, 200);
    assert.equal(up.headers.get('x-burrow-node'), id);
    const rec = (await up.json()) as { id: string; collectionId: string; file: string };
    const down = await fetch(`${url}/api/files/${rec.collectionId}/${rec.id}/${rec.file}`);
    assert.equal(down.status, 200);
    assert.equal(await down.text(), 'hello replicas');
    assert.equal(down.headers.get('x-burrow-node'), id);
    const abort = new AbortController();
    const sse = await fetch(`${url}/api/realtime`, { signal: abort.signal });
    assert.equal(sse.status, 200);
    assert.equal(sse.headers.get('x-burrow-node'), id);
    abort.abort();
  });

  test('a replica killed under read load: no failed request; it is restarted, catches up, and matches the primary', async () => {
    const victim = (await nodesOf(owner, id)).filter((n) => n.role === 'replica')[0]!.id;
    const before = pidOf(victim);
    let stop = false;
    const failures: string[] = [];
    let served = 0;
    const reader = async (): Promise<void> => {
      while (!stop) {
        try {
          const r = await fetch(`${url}/api/collections/posts/records?perPage=5`);
          await r.arrayBuffer();
          if (r.status !== 200) failures.push(`${r.status} from ${r.headers.get('x-burrow-node')}`);
          else served++;
        } catch (err) {
          failures.push(String(err));
        }
      }
    };
    const readers = Array.from({ length: 6 }, reader);
    try {
      await eventually('load running', async () => (served > 50 ? true : undefined), 10_000);
      process.kill(-before, 'SIGKILL'); // LiteFS and the tenant under it
      const atKill = served;
      await eventually('reads carry on after the kill', async () => (served > atKill + 200 ? true : undefined), 20_000);
      // Writes go on meanwhile: the restarted replica has something to catch up on.
      for (let i = 0; i < 10; i++) await admin.collection('posts').create({ title: `while down ${i}` });
      await eventually('replica restarted', async () => {
        try {
          return pidOf(victim) !== before ? true : undefined;
        } catch {
          return undefined;
        }
      });
      await healthyCluster(owner, id, 2);
    } finally {
      stop = true;
      await Promise.all(readers);
    }
    assert.deepEqual(failures, [], `${failures.length} of ${served + failures.length} reads failed`);
    const primaryPos = positionOf(id);
    await eventually('same position and checksum as the primary', async () => (positionOf(victim) === primaryPos ? true : undefined), 10_000);
    for (const n of (await nodesOf(owner, id)).filter((x) => x.role === 'replica')) assert.equal(positionOf(n.id), primaryPos);
  });

  test('the primary restarts: replicas reconnect and writes resume', async () => {
    const before = pidOf(id);
    process.kill(-before, 'SIGKILL');
    const written = await eventually('writes resume', async () => {
      try {
        return await admin.collection('posts').create({ title: 'after the restart' });
      } catch {
        return undefined;
      }
    });
    assert.notEqual(pidOf(id), before);
    const tx = Number.parseInt(positionOf(id).split('/')[0] ?? '0', 16);
    await eventually('replicas follow the restarted primary', async () => {
      const nodes = await nodesOf(owner, id);
      return nodes.every((n) => n.healthy && (n.txid ?? 0) >= tx) ? true : undefined;
    });
    const seen = await fetch(`${url}/api/collections/posts/records/${written.id}`);
    assert.equal(seen.status, 200);
  });

  test('bad requests: another user\'s instance, an unknown node, the primary, an instance that is not running: clear 4xx', async () => {
    const other = await signup('other@example.com');
    for (const [method, path] of [['GET', `/api/instances/${id}/replicas`], ['POST', `/api/instances/${id}/replicas`], ['DELETE', `/api/instances/${id}/replicas/${id}-r1`]] as const) {
      const r = await api(other, method, path);
      assert.equal(r.status, 404, `${method} ${path}`);
      assert.equal(r.body.message, 'Instance not found.');
    }
    assert.equal((await api(owner, 'DELETE', `/api/instances/${id}/replicas/${id}-r99`)).status, 404);
    assert.equal((await api(owner, 'DELETE', `/api/instances/${id}/replicas/nonsense`)).status, 404);
    const primary = await api(owner, 'DELETE', `/api/instances/${id}/replicas/${id}`);
    assert.equal(primary.status, 400);
    assert.equal(primary.body.data.node.code, 'validation_primary_node');
    const restore = await api(owner, 'PUT', `/api/instances/${id}/continuous-backup`, { enabled: true });
    assert.equal(restore.status, 409);
    const stopped = await createRunning(other, 'not-scaled');
    assert.equal((await api(other, 'PATCH', `/api/instances/${stopped}`, { power: 'off' })).status, 200);
    await eventually('stopped', async () => ((await api(other, 'GET', `/api/instances/${stopped}`)).body?.status === 'stopped' ? true : undefined));
    const r = await api(other, 'POST', `/api/instances/${stopped}/replicas`);
    assert.equal(r.status, 409);
    assert.match(r.body.message, /stopped/);
  });

  test('removing a replica: its node, files and mount go; the primary and the other replica keep serving', async () => {
    const [gone, kept] = (await nodesOf(owner, id)).filter((n) => n.role === 'replica');
    const r = await api(owner, 'DELETE', `/api/instances/${id}/replicas/${gone!.id}`);
    assert.equal(r.status, 202);
    assert.equal(r.body.node.status, 'deleting');
    await eventually('replica removed', async () => ((await nodesOf(owner, id)).length === 2 ? true : undefined));
    assert.equal(existsSync(join(dataDir, 'instances', gone!.id)), false);
    assert.deepEqual(mountsUnder(join(dataDir, 'instances', gone!.id)), []);
    assert.equal((await api(owner, 'GET', `/api/instances/${id}/replicas`)).body.quota.used, 1);
    const nodes = await healthyCluster(owner, id, 1);
    assert.equal(nodes[1]?.id, kept!.id);
    assert.equal((await fetch(`${url}/api/collections/posts/records?perPage=1`)).status, 200);
  });
});
