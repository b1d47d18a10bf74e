/**
 * The contract test suite every InstanceRuntime driver must pass (node:test). A driver's test
 * file calls `runtimeContract(name, makeRuntime)`; the suite starts real tenants.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { collectLogs, nextState, readProcEnv } from './contract_helpers.js';
import { RuntimeError } from '../errors.js';
import { parseInstanceId, type InstanceId } from '../instance_id.js';
import { httpRequest } from '../http_probe.js';
import type { InstanceRuntimeDriver, InstanceSpec, RuntimeStatus, StateChange } from '../types.js';

/** What a driver's test provides to the contract. */
export interface ContractHarness {
  /** A fresh runtime (its own root dir / label namespace). */
  runtime: InstanceRuntimeDriver;
  /** Stops whatever is left, closes the runtime and deletes its files. */
  cleanup(): Promise<void>;
  /** The env the instance's process really has (default: `/proc/<status.pid>/environ`). */
  readEnv?(id: InstanceId, status: RuntimeStatus): Promise<Record<string, string>>;
  /** Another runtime on the same place (root dir, Docker namespace), as after a platform restart; the test closes it. */
  sibling(): InstanceRuntimeDriver;
}

/** Invalid ids, each of which could escape a directory or name something else. */
export const INVALID_IDS = ['', '.', '..', '../escape', 'a/b', 'a\\b', 'UPPER', '-lead', 'trail-', 'a.b', ' a', 'a\0b', 'x'.repeat(64)];

/** Environment names a tenant may legitimately share with the test process (set by the runtime itself). */
const RUNTIME_OWNED_ENV = new Set(['PATH', 'HOME', 'NODE_ENV', 'LANG', 'LC_ALL', 'TZ', 'HOSTNAME', 'TERM']);

const TEST_TIMEOUT = 60_000;
const USER = { email: 'contract@example.com', password: 'contract-password-1' };

/** Registers the contract tests for one driver. */
export function runtimeContract(name: string, makeRuntime: () => Promise<ContractHarness>): void {
  describe(`InstanceRuntime contract: ${name}`, { timeout: 5 * TEST_TIMEOUT }, () => {
    let h: ContractHarness;
    const changes: StateChange[] = [];
    const id = parseInstanceId(`ct${randomBytes(6).toString('hex')}`);
    const spec: InstanceSpec = { id, env: { BURROW_CONTRACT_GREETING: 'hello from the spec' } };
    const changesOf = () => changes.filter((c) => c.id === id).map((c) => `${c.from}->${c.status.state}`);
    const rt = () => h.runtime;

    before(async () => {
      // A secret of the "platform" (this test process) that no instance may see.
      process.env.BURROW_CONTRACT_PLATFORM_SECRET = 'platform-only';
      h = await makeRuntime();
      h.runtime.onStateChange((c) => changes.push(c));
    });
    after(async () => {
      delete process.env.BURROW_CONTRACT_PLATFORM_SECRET;
      await h?.cleanup();
    });

    test('invalid ids are refused before anything is touched', async () => {
      for (const bad of INVALID_IDS) {
        assert.throws(() => parseInstanceId(bad), { code: 'invalid_id' }, JSON.stringify(bad));
        // Deliberately bypassing the brand: callers in plain JS (or a bad cast) must hit the runtime check.
        const forged = bad as InstanceId;
        await assert.rejects(rt().start({ id: forged, env: {} }), isInvalidId);
        await assert.rejects(rt().status(forged), isInvalidId);
        await assert.rejects(rt().stop(forged), isInvalidId);
        await assert.rejects(rt().remove(forged), isInvalidId);
        await assert.rejects(async () => {
          for await (const _ of rt().logs(forged)) break;
        }, isInvalidId);
      }
      for (const good of ['acme', 'k3n9x0a8b7c6d5e', 'my-app-2', '0b8f2c1e-4a6d-4b1e-9c3f-2d7e8a9b0c1d']) {
        assert.equal(parseInstanceId(good), good);
      }
    });

    test('an unknown instance is absent and stopping it is a no-op', async () => {
      assert.deepEqual(await rt().status(id), { state: 'absent', restarts: 0 });
      await rt().stop(id);
      assert.equal((await rt().status(id)).state, 'absent');
      assert.ok(!(await rt().list()).some((i) => i.id === id));
      assert.deepEqual(changesOf(), []);
    });

    test('start returns a working endpoint; concurrent starts share one start', { timeout: TEST_TIMEOUT }, async () => {
      const endpoints = await Promise.all([rt().start(spec), rt().start(spec), rt().start(spec)]);
      const [endpoint] = endpoints;
      for (const e of endpoints) assert.deepEqual(e, endpoint);
      assert.equal(endpoint.url, `http://${endpoint.host}:${endpoint.port}`);
      assert.match(endpoint.host, /^127\./);
      const health = await httpRequest(`${endpoint.url}/api/health`);
      assert.equal(health.status, 200);
      assert.match(health.body, /API is healthy/);
      const guest = await httpRequest(`${endpoint.url}/api/collections`);
      assert.equal(guest.status, 401, 'listing collections needs a superuser');
      const status = await rt().status(id);
      assert.equal(status.state, 'running');
      assert.deepEqual(status.endpoint, endpoint);
      assert.ok(Number.isInteger(status.pid) && (status.pid ?? 0) > 0);
      assert.ok(status.startedAt !== undefined && !Number.isNaN(Date.parse(status.startedAt)));
      assert.equal(status.restarts, 0);
      assert.deepEqual(changesOf(), ['absent->starting', 'starting->running'], 'one start for three calls');
      const listed = (await rt().list()).find((i) => i.id === id);
      assert.equal(listed?.state, 'running');
      assert.equal(listed?.pid, status.pid);
    });

    test('start of a running instance returns its endpoint without starting again', async () => {
      const before = await rt().status(id);
      const endpoint = await rt().start(spec);
      assert.deepEqual(endpoint, before.endpoint);
      assert.equal((await rt().status(id)).pid, before.pid);
      assert.deepEqual(changesOf(), ['absent->starting', 'starting->running']);
    });

    test("the instance gets spec.env and nothing of the platform's environment", async () => {
      const status = await rt().status(id);
      assert.ok(status.pid !== undefined);
      const env = h.readEnv ? await h.readEnv(id, status) : await readProcEnv(status.pid);
      assert.equal(env.BURROW_CONTRACT_GREETING, 'hello from the spec');
      // The test process's own variables (a secret was set before starting) stay out.
      assert.equal(env.BURROW_CONTRACT_PLATFORM_SECRET, undefined);
      const inherited = Object.keys(env).filter(
        (k) => k in process.env && !(k in spec.env) && !RUNTIME_OWNED_ENV.has(k),
      );
      assert.deepEqual(inherited, [], 'variables copied from the platform process');
    });

    test('logs: the last lines, in order, with times and streams', async () => {
      const all = await collectLogs(rt(), id, { tail: 1000 });
      assert.ok(all.some((l) => /Server started/.test(l.text)), 'the tenant start banner is in the log');
      for (const l of all) {
        assert.ok(['stdout', 'stderr', 'system'].includes(l.stream));
        assert.ok(!Number.isNaN(Date.parse(l.time)), l.time);
        assert.ok(!l.text.includes('\n'));
      }
      const last2 = await collectLogs(rt(), id, { tail: 2 });
      assert.deepEqual(last2.map((l) => l.text), all.slice(-2).map((l) => l.text));
      assert.deepEqual(await collectLogs(rt(), id, { tail: 0 }), []);
    });

    test('a crash (SIGKILL) is restarted once, on the same endpoint', { timeout: TEST_TIMEOUT }, async () => {
      const before = await rt().status(id);
      assert.ok(before.pid !== undefined && before.endpoint !== undefined);
      const running = nextState(rt(), id, 'running');
      process.kill(before.pid, 'SIGKILL');
      await running;
      const after = await rt().status(id);
      assert.equal(after.restarts, 1);
      assert.notEqual(after.pid, before.pid);
      assert.deepEqual(after.endpoint, before.endpoint, 'clients keep their address');
      assert.equal((await httpRequest(`${before.endpoint.url}/api/health`)).status, 200);
      assert.deepEqual(changesOf().slice(-2), ['running->starting', 'starting->running']);
    });

    test('another runtime on the same place (a platform restart) lists and adopts the running instance', async () => {
      const mine = await rt().status(id);
      const other = h.sibling();
      try {
        const listed = (await other.list()).find((i) => i.id === id);
        assert.equal(listed?.state, 'running');
        assert.equal(listed?.pid, mine.pid);
        assert.deepEqual(listed?.endpoint, mine.endpoint);
        assert.deepEqual(await other.start(spec), mine.endpoint, 'a start joins the running one');
        assert.equal((await rt().status(id)).pid, mine.pid, 'nothing was started twice');
      } finally {
        await other.close();
      }
    });

    test('stop is graceful (SIGTERM, exit 0) and a log follow sees it until aborted', { timeout: TEST_TIMEOUT }, async () => {
      const { endpoint } = await rt().status(id);
      assert.ok(endpoint);
      const abort = new AbortController();
      const follow = rt().logs(id, { tail: 1, follow: true, signal: abort.signal })[Symbol.asyncIterator]();
      assert.equal((await follow.next()).done, false, 'the tail line marks where following starts');
      const stopped = nextState(rt(), id, 'stopped');
      await rt().stop(id, { graceMs: 10_000 });
      await stopped;
      let sawSigterm = false;
      const deadline = setTimeout(() => abort.abort(), 10_000);
      for (let r = await follow.next(); !r.done; r = await follow.next()) {
        if (/SIGTERM/.test(r.value.text) && r.value.stream !== 'system') {
          sawSigterm = true;
          abort.abort();
        }
      }
      clearTimeout(deadline);
      assert.ok(sawSigterm, 'the tenant logged its SIGTERM message');
      const status = await rt().status(id);
      assert.equal(status.state, 'stopped');
      assert.equal(status.pid, undefined);
      assert.equal(status.endpoint, undefined);
      assert.equal(status.lastExit?.code, 0, 'the tenant exited 0');
      assert.deepEqual(changesOf().slice(-2), ['running->stopping', 'stopping->stopped']);
      await assert.rejects(httpRequest(`${endpoint.url}/api/health`, { timeoutMs: 1_000 }));
    });

    test('stop is idempotent', async () => {
      const count = changesOf().length;
      await rt().stop(id);
      await Promise.all([rt().stop(id), rt().stop(id)]);
      assert.equal((await rt().status(id)).state, 'stopped');
      assert.equal(changesOf().length, count);
    });

    test('a stopped instance starts again with its data; remove with keepVolume keeps it', { timeout: TEST_TIMEOUT }, async () => {
      let endpoint = await rt().start(spec);
      const created = await httpRequest(`${endpoint.url}/api/collections/users/records`, {
        method: 'POST',
        json: { ...USER, passwordConfirm: USER.password },
      });
      assert.equal(created.status, 200, created.body);
      await rt().remove(id, { keepVolume: true });
      assert.equal((await rt().status(id)).state, 'stopped');
      assert.equal((await rt().list()).find((i) => i.id === id)?.state, 'stopped');
      endpoint = await rt().start(spec);
      assert.equal((await login(endpoint.url)).status, 200, 'the user survived');
    });

    test('remove deletes the instance and its data', { timeout: TEST_TIMEOUT }, async () => {
      const stopped = nextState(rt(), id, 'absent');
      await rt().remove(id);
      await stopped;
      assert.deepEqual(await rt().status(id), { state: 'absent', restarts: 0 });
      assert.ok(!(await rt().list()).some((i) => i.id === id));
      assert.deepEqual(await collectLogs(rt(), id), []);
      await rt().remove(id); // removing an absent instance is a no-op
      const endpoint = await rt().start(spec);
      assert.equal((await login(endpoint.url)).status, 400, 'a fresh volume has no such user');
      await rt().remove(id);
      assert.equal((await rt().status(id)).state, 'absent');
    });
  });
}

function isInvalidId(err: unknown): boolean {
  return err instanceof RuntimeError && err.code === 'invalid_id';
}

function login(url: string) {
  return httpRequest(`${url}/api/collections/users/auth-with-password`, {
    method: 'POST',
    json: { identity: USER.email, password: USER.password },
  });
}
