/**
 * The docker driver beyond the contract, against a real daemon and the tenant image: what the
 * container is allowed (limits, labels, user, read-only root, no capabilities), crash restarts
 * and failure, runtimes sharing a daemon, adoption after a platform restart, the kernel's OOM
 * kill of one tenant beside another, backups in one-off containers, the tenant's commands.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { eventually } from '@burrow/testing';
import { httpRequest } from '../http_probe.js';
import { parseInstanceId } from '../instance_id.js';
import { nextState } from '../test/contract_helpers.js';
import { dockerForTests, testNamespace, TEST_IMAGE } from '../test/docker_harness.js';
import { removeDockerNamespace } from './docker_api.js';
import { DockerRuntime } from './docker_runtime.js';
import { LABEL } from './names.js';

const BCRYPT_HASH = '$2b$10$C6UzMDM.H6dfI/f/IKcEeO9Zb1oI6zBJ0Z2Mt0XRC6p4bS1e5hUem';

describe('DockerRuntime with the tenant image', { timeout: 300_000 }, () => {
  let docker: Docker;
  let namespace: string;
  let runtime: DockerRuntime;
  let scratch: string;
  const make = (extra: ConstructorParameters<typeof DockerRuntime>[0] = {}) =>
    new DockerRuntime({ docker, image: TEST_IMAGE, namespace, backoff: { initialMs: 100, maxMs: 400 }, ...extra });

  before(async () => {
    docker = await dockerForTests();
    namespace = testNamespace();
    runtime = make();
    scratch = await mkdtemp(join(tmpdir(), 'burrow-docker-test-'));
  });
  after(async () => {
    await runtime?.close();
    if (docker) await removeDockerNamespace(docker, namespace);
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  test('the container: labels, limits, its volume the only writable place, an unprivileged user, its env only', async () => {
    const id = parseInstanceId('limits');
    const endpoint = await runtime.start({ id, env: { APP_GREETING: 'hi' }, limits: { memoryMb: 192, cpus: 0.5, pids: 64 } });
    assert.equal((await httpRequest(`${endpoint.url}/api/health`)).status, 200);
    const info = await docker.getContainer(`${namespace}-limits`).inspect();
    assert.equal(info.Config.Labels[LABEL.instance], 'limits');
    assert.equal(info.Config.Labels[LABEL.namespace], namespace);
    const host = info.HostConfig;
    assert.equal(host.Memory, 192 * 1024 * 1024);
    assert.equal(host.MemorySwap, 192 * 1024 * 1024, 'no swap beyond the limit');
    assert.equal(host.NanoCpus, 0.5e9);
    assert.equal(host.PidsLimit, 64);
    assert.equal(host.ReadonlyRootfs, true);
    assert.deepEqual(host.CapDrop, ['ALL']);
    assert.deepEqual(host.SecurityOpt, ['no-new-privileges']);
    assert.equal(host.Privileged, false);
    assert.equal(host.RestartPolicy?.Name, 'no', 'restarts are Burrow\'s');
    assert.deepEqual(info.Mounts.map((m) => [m.Type, m.Name, m.Destination, m.RW]), [['volume', `${namespace}-limits-data`, '/data', true]]);
    const volume = await docker.getVolume(`${namespace}-limits-data`).inspect();
    assert.equal(volume.Labels?.[LABEL.instance], 'limits');
    assert.ok(info.Config.Env.includes('APP_GREETING=hi'));
    assert.ok(!info.Config.Env.some((e) => e.startsWith('BURROW_') || e.startsWith('REDIS')), 'nothing of the platform');
    // The kernel's view of the tenant process: not root, and its cgroup's memory limit.
    const status = await readFile(`/proc/${info.State.Pid}/status`, 'utf8');
    assert.match(status, /^Uid:\s+1000\s+1000\s+1000\s+1000$/m);
    assert.match(status, /^CapEff:\s+0+$/m, 'no effective capability');
    // Writes: the volume yes, the image's files and anything else no.
    const probe = async (path: string) => {
      const exec = await docker.getContainer(info.Id).exec({
        Cmd: ['node', '-e', `try{require('fs').writeFileSync(${JSON.stringify(path)},'x');console.log('ok')}catch(e){console.log(e.code)}`],
        AttachStdout: true, AttachStderr: true, User: '1000:1000',
      });
      const stream = await exec.start({});
      const chunks: Buffer[] = [];
      for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
      return Buffer.concat(chunks).toString('utf8').replace(/[^\x20-\x7e]/g, '').trim();
    };
    assert.equal(await probe('/data/pb_data/probe.txt'), 'ok');
    assert.equal(await probe('/tmp/probe.txt'), 'ok');
    assert.match(await probe('/app/probe.txt'), /EROFS/);
    assert.match(await probe('/app/apps/tenant/bin/burrow-tenant.mjs'), /EROFS/, "the image's own files");
    await runtime.remove(id);
  });

  test('a crash is restarted on the same endpoint; too many crashes fail with the exit in the reason', async () => {
    const rt = make({ maxCrashes: { count: 2, windowMs: 60_000 } });
    const id = parseInstanceId('crashy');
    try {
      const endpoint = await rt.start({ id, env: {} });
      const first = await rt.status(id);
      const restarted = nextState(rt, id, 'running');
      process.kill(first.pid ?? 0, 'SIGKILL');
      await restarted;
      const second = await rt.status(id);
      assert.equal(second.restarts, 1);
      assert.notEqual(second.pid, first.pid);
      assert.deepEqual(second.endpoint, endpoint, 'same port');
      assert.equal((await httpRequest(`${endpoint.url}/api/health`)).status, 200);
      const failed = nextState(rt, id, 'failed');
      process.kill(second.pid ?? 0, 'SIGKILL');
      const change = await failed;
      assert.match(change.status.reason ?? '', /exited with code 137; crashed 2 times/);
      assert.equal(change.status.lastExit?.signal, 'SIGKILL');
      assert.equal((await docker.getContainer(`${namespace}-crashy.failed`).inspect()).State.Running, false);
      // Another runtime on the daemon reads the same failure.
      assert.equal((await runtime.status(id)).state, 'failed');
      // An explicit start begins again.
      await rt.start({ id, env: {} });
      assert.equal((await rt.status(id)).state, 'running');
    } finally {
      await rt.remove(id);
      await rt.close();
    }
  });

  test('runtimes sharing the daemon: a start is seen and adopted by another; a stop through one is not a crash for the other', async () => {
    const id = parseInstanceId('shared');
    const other = make();
    try {
      const endpoint = await runtime.start({ id, env: {} });
      const seen = await other.status(id);
      assert.equal(seen.state, 'running');
      assert.deepEqual(seen.endpoint, endpoint);
      assert.equal(seen.pid, (await runtime.status(id)).pid);
      assert.deepEqual(await other.start({ id, env: {} }), endpoint, 'a start joins the running container');
      const seenByOther: string[] = [];
      other.onStateChange((c) => seenByOther.push(`${c.from}->${c.status.state}`));
      const stopped = nextState(other, id, 'stopped');
      await runtime.stop(id);
      await stopped;
      assert.deepEqual(seenByOther, ['running->stopped'], 'never judged a crash, never restarted');
      assert.equal((await other.status(id)).restarts, 0);
      assert.equal((await other.status(id)).state, 'stopped');
      assert.equal((await docker.getContainer(`${namespace}-shared.stopped`).inspect()).State.Running, false);
    } finally {
      await other.close();
      await runtime.remove(id);
    }
  });

  test('races between runtimes: concurrent starts make one container; concurrent stops both finish; a crash seen by many status calls counts once', async () => {
    const id = parseInstanceId('racy');
    const a = make();
    const b = make();
    const failures: string[] = [];
    for (const rt of [a, b]) rt.onStateChange((c) => c.id === id && c.status.state === 'failed' && failures.push(c.status.reason ?? ''));
    try {
      const [ea, eb] = await Promise.all([a.start({ id, env: {} }), b.start({ id, env: {} })]);
      assert.deepEqual(ea, eb);
      const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL.namespace}=${namespace}`, `${LABEL.instance}=racy`] } });
      assert.equal(containers.length, 1, 'one container for two starts');
      assert.equal((await httpRequest(`${ea.url}/api/health`)).status, 200);

      // A crash while requests keep asking for the status (the proxy does, per request).
      const pid = (await a.status(id)).pid ?? 0;
      const restarted = nextState(a, id, 'running');
      process.kill(pid, 'SIGKILL');
      const polls = Array.from({ length: 8 }, () => Promise.all([a.status(id), b.status(id)]));
      await Promise.all(polls);
      await restarted;
      const after = await a.status(id);
      assert.equal(after.restarts, 1, 'one crash, one restart');
      // b follows the same restarted container (it may have restarted it itself, or joined a's restart).
      await eventually(`b sees pid ${after.pid}`, async () => ((await b.status(id)).pid === after.pid ? true : undefined), 30_000);

      await Promise.all([a.stop(id), b.stop(id)]);
      assert.equal((await a.status(id)).state, 'stopped');
      assert.equal((await b.status(id)).state, 'stopped');
      assert.equal((await a.status(id)).lastExit?.code, 0, 'a graceful stop, not a kill by the second stop');
      assert.deepEqual(failures, []);
    } finally {
      await a.remove(id);
      await a.close();
      await b.close();
    }
  });

  test('a log follow goes on across a crash restart; remove also removes a left-over task container', async () => {
    const id = parseInstanceId('followed');
    const endpoint = await runtime.start({ id, env: {} });
    const abort = new AbortController();
    const follow = runtime.logs(id, { tail: 1, follow: true, signal: abort.signal })[Symbol.asyncIterator]();
    assert.equal((await follow.next()).done, false);
    const restarted = nextState(runtime, id, 'running');
    process.kill((await runtime.status(id)).pid ?? 0, 'SIGKILL');
    await restarted;
    const deadline = setTimeout(() => abort.abort(), 20_000);
    let banner = false;
    for (let r = await follow.next(); !r.done; r = await follow.next()) {
      if (/Server started/.test(r.value.text)) {
        banner = true;
        abort.abort();
      }
    }
    clearTimeout(deadline);
    assert.ok(banner, "the restarted tenant's start banner reached the follow");
    assert.equal((await httpRequest(`${endpoint.url}/api/health`)).status, 200);

    // A task container a dead platform left behind (it holds the volume).
    const leftover = await docker.createContainer({
      Image: TEST_IMAGE, Cmd: ['help'], Labels: { [LABEL.instance]: 'followed', [LABEL.namespace]: namespace, [LABEL.role]: 'task' },
      HostConfig: { Mounts: [{ Type: 'volume', Source: `${namespace}-followed-data`, Target: '/data' }], NetworkMode: 'none' },
    });
    await runtime.remove(id);
    await assert.rejects(docker.getContainer(leftover.id).inspect(), (err: { statusCode?: number }) => err.statusCode === 404);
    await assert.rejects(docker.getVolume(`${namespace}-followed-data`).inspect(), (err: { statusCode?: number }) => err.statusCode === 404);
  });

  test('after a platform restart, a new runtime adopts running containers by label and supervises them', async () => {
    const id = parseInstanceId('adopted');
    const first = make();
    const endpoint = await first.start({ id, env: {} });
    await first.close(); // the platform goes away; the container keeps running
    const next = make();
    try {
      const listed = (await next.list()).find((i) => i.id === id);
      assert.equal(listed?.state, 'running');
      assert.deepEqual(listed?.endpoint, endpoint);
      const restarted = nextState(next, id, 'running');
      process.kill(listed?.pid ?? 0, 'SIGKILL');
      await restarted;
      assert.equal((await next.status(id)).restarts, 1, 'the adopted container is supervised');
    } finally {
      await next.remove(id);
      await next.close();
    }
  });

  test('a tenant over its memory limit is killed by the kernel and reported; the tenant beside it is untouched', async () => {
    const small = parseInstanceId('hungry');
    const neighbour = parseInstanceId('neighbour');
    const rt = make({ maxCrashes: { count: 5, windowMs: 60_000 } });
    try {
      const [endpoint, beside] = await Promise.all([
        rt.start({ id: small, env: {}, limits: { memoryMb: 160 } }),
        rt.start({ id: neighbour, env: {} }),
      ]);
      const neighbourPid = (await rt.status(neighbour)).pid;
      const crashed = nextState(rt, small, 'starting');
      // A JSON body of ~10 million empty objects: ~30 MB on the wire (under the body limit),
      // several hundred MB once parsed.
      const body = `[${'{},'.repeat(10_000_000)}{}]`;
      await fetch(`${endpoint.url}/api/collections/users/records`, { method: 'POST', body, headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(60_000) })
        .then((r) => r.text()).catch(() => undefined);
      const change = await crashed;
      assert.match(change.status.reason ?? '', /out of memory/);
      assert.equal(change.status.lastExit?.signal, 'SIGKILL');
      await nextState(rt, small, 'running');
      assert.equal((await rt.status(small)).restarts, 1);
      const after = await rt.status(neighbour);
      assert.equal(after.pid, neighbourPid, 'the neighbour kept its process');
      assert.equal((await httpRequest(`${beside.url}/api/health`)).status, 200);
    } finally {
      await rt.remove(small);
      await rt.remove(neighbour);
      await rt.close();
    }
  });

  test('tenant commands and backups run in one-off containers on the volume, running or not', async () => {
    const id = parseInstanceId('backedup');
    const out = await runtime.tenantCommand(id, ['superuser', 'sync', 'owner@example.com'], { stdin: BCRYPT_HASH });
    assert.match(out, /Successfully synced superuser "owner@example.com" \(created\)/);
    await assert.rejects(runtime.tenantCommand(id, ['superuser', 'sync', 'owner@example.com'], { stdin: 'not a hash' }), { code: 'command_failed' });
    const endpoint = await runtime.start({ id, env: {} });
    const created = await httpRequest(`${endpoint.url}/api/collections/users/records`, {
      method: 'POST', json: { email: 'u@example.com', password: 'password-123', passwordConfirm: 'password-123' },
    });
    assert.equal(created.status, 200, created.body);
    const steps: string[] = [];
    const archive = join(scratch, 'live.zip');
    const { size } = await runtime.backup(id, archive, { onProgress: (_f, step) => steps.push(step) });
    assert.ok(size > 0 && steps.length > 0);
    await assert.rejects(runtime.restore(id, archive), { code: 'invalid_state' });
    // Changed after the backup, then restored: the data is the archive's again.
    const later = await httpRequest(`${endpoint.url}/api/collections/users/records`, {
      method: 'POST', json: { email: 'later@example.com', password: 'password-123', passwordConfirm: 'password-123' },
    });
    assert.equal(later.status, 200, later.body);
    await runtime.stop(id);
    await runtime.restore(id, archive);
    const again = await runtime.start({ id, env: {} });
    const login = (who: string) => httpRequest(`${again.url}/api/collections/users/auth-with-password`, { method: 'POST', json: { identity: who, password: 'password-123' } });
    assert.equal((await login('u@example.com')).status, 200);
    assert.equal((await login('later@example.com')).status, 400, 'written after the backup: gone');
    const bad = join(scratch, 'bad.zip');
    await writeFile(bad, 'not a zip');
    await runtime.stop(id);
    await assert.rejects(runtime.restore(id, bad), { code: 'backup_failed' });
    await assert.rejects(runtime.backup(parseInstanceId('nosuch'), join(scratch, 'x.zip')), { code: 'not_found' });
    await runtime.remove(id);
  });
});
