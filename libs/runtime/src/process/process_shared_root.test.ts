/** Two live ProcessRuntimes on one root (api, worker and proxy of a host): no double starts, no fights. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { nextState, pidExists } from '../test/contract_helpers.js';
import { httpRequest } from '../http_probe.js';
import { parseInstanceId } from '../instance_id.js';
import { cleanupRuntime, countingSpawn, tempRoot, writeFakeTenant, type SpawnCounter } from '../test/process_harness.js';
import { ProcessRuntime } from './process_runtime.js';

describe('ProcessRuntimes sharing a root directory (fake tenant)', { timeout: 60_000 }, () => {
  let rootDir: string;
  let a: ProcessRuntime;
  let b: ProcessRuntime;
  let countA: SpawnCounter;
  let countB: SpawnCounter;
  const id = parseInstanceId('shared');
  const spawns = () => countA.pids.length + countB.pids.length;

  before(async () => {
    rootDir = await tempRoot();
    const tenantBin = await writeFakeTenant(rootDir);
    countA = countingSpawn();
    countB = countingSpawn();
    const common = { rootDir, tenantBin, livenessPollMs: 50, backoff: { initialMs: 50, maxMs: 200 } };
    a = new ProcessRuntime({ ...common, spawn: countA.spawn });
    b = new ProcessRuntime({ ...common, spawn: countB.spawn });
  });
  after(async () => {
    await cleanupRuntime(b, rootDir);
    await cleanupRuntime(a, rootDir);
  });

  test('concurrent starts from two runtimes spawn one process', async () => {
    const [ea, eb] = await Promise.all([a.start({ id, env: {} }), b.start({ id, env: {} })]);
    assert.deepEqual(ea, eb);
    assert.equal(spawns(), 1);
    assert.equal((await a.status(id)).pid, (await b.status(id)).pid);
  });

  test('a stop through one runtime is not taken for a crash by the other', async () => {
    const owner = countA.pids.length === 1 ? a : b;
    const other = owner === a ? b : a;
    const pid = (await owner.status(id)).pid ?? 0;
    const ownerStopped = nextState(owner, id, 'stopped');
    await other.stop(id);
    await ownerStopped;
    assert.ok(!pidExists(pid));
    assert.equal(spawns(), 1, 'nobody restarted it');
    assert.equal((await owner.status(id)).state, 'stopped');
  });

  test('a power cycle through one runtime is seen at once by the other that held the old process', async () => {
    // b holds (adopts) a's process, then a stops it and starts a new one on another port.
    const first = await a.start({ id, env: {} });
    assert.equal((await b.status(id)).endpoint?.url, first.url);
    await a.stop(id);
    assert.equal((await b.status(id)).state, 'stopped', 'no stale "running" after the stop');
    const second = await a.start({ id, env: {} });
    const seen = await b.status(id);
    assert.equal(seen.state, 'running');
    assert.equal(seen.endpoint?.url, second.url, 'the new endpoint, not the old one');
    await a.stop(id);
  });

  test('a start through one runtime is seen by the other; a crash is restarted once', async () => {
    const endpoint = await a.start({ id, env: {} });
    const seen = await b.status(id);
    assert.equal(seen.state, 'running');
    assert.equal(seen.endpoint?.url, endpoint.url);
    const before = spawns();
    const runningA = nextState(a, id, 'running');
    const runningB = nextState(b, id, 'running');
    process.kill(seen.pid ?? 0, 'SIGKILL');
    const [sa, sb] = await Promise.all([runningA, runningB]);
    assert.equal(sa.status.pid, sb.status.pid, 'both follow the same new process');
    assert.equal(spawns(), before + 1, 'one restart between the two of them');
    assert.equal((await httpRequest(`${sa.status.endpoint?.url}/api/health`)).status, 200);
    await b.stop(id);
    const finalA = await a.status(id);
    assert.equal(finalA.state, 'stopped', JSON.stringify(finalA));
  });
});
