/**
 * The docker runtime (issue 8): create -> first 200 and wake -> first byte through the proxy,
 * and the memory of a running tenant container, on the whole stack with RUNTIME=docker.
 *
 *   TSX_TSCONFIG_PATH=tsconfig.tsx.json node --import tsx bench/docker/run.ts [--instances 10] [--wakes 10]
 *
 * Needs the daemon and the tenant image the bootstrap builds (docker/README.md). Starts the
 * stack twice on free 127.0.0.1 ports (IDLE_TIMEOUT off for creates, 1 s for wakes) in a Docker
 * namespace of its own, deletes what it made, removes the namespace's leftovers, and is bounded
 * by a watchdog. Prints a markdown table and writes results.md next to this file.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { removeDockerNamespace } from '@burrow/runtime';
import { resolveLocalhostSubdomains } from '@burrow/testing';
import { Platform, rssMiB, type InstanceView } from '../control/platform.js';
import { summarize, type Summary } from '../control/stats.js';
import { timeFirstByte } from '../control/wake.js';

const RESULTS_PATH = fileURLToPath(new URL('./results.md', import.meta.url));
const WATCHDOG_MS = 6 * 60_000;
const GAP_MS = 500;

const { values } = parseArgs({ options: { instances: { type: 'string', default: '10' }, wakes: { type: 'string', default: '10' } } });
const instances = Number(values.instances);
const wakes = Number(values.wakes);
const namespace = `bench${randomBytes(3).toString('hex')}`;
const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const dockerEnv = { RUNTIME: 'docker', DOCKER_NAMESPACE: namespace };
const opened: Platform[] = [];

async function cleanup(): Promise<void> {
  for (const p of opened.splice(0)) await p.close().catch(() => undefined);
  await removeDockerNamespace(docker, namespace);
}

const watchdog = setTimeout(() => {
  console.error(`watchdog: the bench ran over ${WATCHDOG_MS / 1000} s; cleaning up`);
  void cleanup().finally(() => process.exit(2));
}, WATCHDOG_MS);
watchdog.unref();

/** POST /api/instances -> first 200 of /api/health through the proxy (polled every 5 ms). */
async function createTo200(p: Platform, name: string): Promise<{ view: InstanceView; ms: number }> {
  // Right after a stack starts, the api may still be connecting to its Redis (503): not timed.
  for (let i = 0; (await p.api('GET', '/api/health')).body?.queue !== 'ok'; i++) {
    if (i > 100) throw new Error('the api never became healthy');
    await new Promise((r) => setTimeout(r, 100));
  }
  const t0 = performance.now();
  const view = await p.create(name);
  for (;;) {
    const res = await fetch(`${p.instanceUrl(name)}/api/health`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    await res?.arrayBuffer();
    if (res?.status === 200) return { view, ms: performance.now() - t0 };
    if (performance.now() - t0 > 30_000) throw new Error(`${name}: no 200 within 30 s\n${p.lines.slice(-20).join('\n')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The tenant container's process RSS, and its cgroup's anonymous memory (what the limit is mostly spent on), MiB. */
async function memoryOf(container: string): Promise<{ rss: number; cgroup: number }> {
  const c = docker.getContainer(container);
  const info = await c.inspect();
  const stats = (await c.stats({ stream: false })) as { memory_stats: { stats?: { rss?: number; anon?: number } } };
  const anon = stats.memory_stats.stats?.rss ?? stats.memory_stats.stats?.anon ?? Number.NaN; // cgroup v1 | v2
  return { rss: rssMiB(info.State.Pid) ?? Number.NaN, cgroup: anon / 1024 / 1024 };
}

const fmt = (s: Summary) => `${Math.round(s.p50)} | ${Math.round(s.p95)} | ${Math.round(s.min)} | ${Math.round(s.max)}`;

try {
  resolveLocalhostSubdomains();
  await docker.getImage('burrow/tenant:local').inspect();
  const image = await docker.getImage('burrow/tenant:local').inspect();

  console.log(`1. create -> first 200, ${instances} instances ${GAP_MS} ms apart`);
  const p1 = await Platform.start(0, dockerEnv);
  opened.push(p1);
  const creates: number[] = [];
  const made: InstanceView[] = [];
  for (let i = 0; i < instances; i++) {
    await new Promise((r) => setTimeout(r, GAP_MS));
    const { view, ms } = await createTo200(p1, `dk-${String(i + 1).padStart(2, '0')}`);
    creates.push(ms);
    made.push(view);
    console.log(`   ${view.name}: ${Math.round(ms)} ms`);
  }
  console.log('2. memory of the running tenant containers (after one request each)');
  const mem = await Promise.all(made.map((v) => memoryOf(`${namespace}-${v.id}`)));
  await p1.deleteInstances(made.map((v) => v.id));
  await p1.close();
  opened.splice(opened.indexOf(p1), 1);

  console.log(`3. wake -> first byte, ${wakes} samples over 3 instances (IDLE_TIMEOUT=1)`);
  const p2 = await Platform.start(1, dockerEnv);
  opened.push(p2);
  const sleepers: InstanceView[] = [];
  for (let i = 0; i < 3; i++) sleepers.push((await createTo200(p2, `dw-${i + 1}`)).view);
  const wakeMs: number[] = [];
  for (let i = 0; i < wakes; i++) {
    const inst = sleepers[i % sleepers.length];
    await Promise.all(sleepers.map((s) => p2.waitStatus(s.id, 'sleeping', 30_000, 25)));
    const { firstByteMs, status } = await timeFirstByte(p2.proxyPort, p2.hostHeader(inst.name), '/api/health');
    if (status !== 200) throw new Error(`wake of ${inst.name} answered ${status}`);
    wakeMs.push(firstByteMs);
    console.log(`   wake ${i + 1}/${wakes} ${inst.name}: ${Math.round(firstByteMs)} ms`);
  }
  await p2.deleteInstances(sleepers.map((s) => s.id));

  const rss = summarize(mem.map((m) => m.rss));
  const cg = summarize(mem.map((m) => m.cgroup));
  const report = [
    `Docker runtime (${new Date().toISOString().slice(0, 10)}, Docker ${(await docker.version()).Version}, image ${image.RepoTags?.[0]} ${Math.round((image.Size ?? 0) / 1024 / 1024)} MiB, host networking, 2 cores)`,
    '',
    '| measure | p50 | p95 | min | max |',
    '|---|---|---|---|---|',
    `| create -> first 200 through the proxy (ms, n=${creates.length}) | ${fmt(summarize(creates))} |`,
    `| wake -> first byte through the proxy (ms, n=${wakeMs.length}) | ${fmt(summarize(wakeMs))} |`,
    `| tenant process RSS per container (MiB, n=${mem.length}) | ${rss.p50.toFixed(1)} | ${rss.p95.toFixed(1)} | ${rss.min.toFixed(1)} | ${rss.max.toFixed(1)} |`,
    `| container cgroup anonymous memory (MiB) | ${cg.p50.toFixed(1)} | ${cg.p95.toFixed(1)} | ${cg.min.toFixed(1)} | ${cg.max.toFixed(1)} |`,
    '',
  ].join('\n');
  console.log(`\n${report}`);
  writeFileSync(RESULTS_PATH, `${report}\n`);
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
