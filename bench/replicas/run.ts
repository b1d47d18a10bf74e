/**
 * LiteFS read replicas (issue 7), on the whole stack with real mounts:
 *   1. replica lag under a steady write load: writes at a fixed rate through the proxy, each
 *      write's transaction timed from its response to its arrival on every replica (LiteFS's
 *      /events stream of each replica);
 *   2. read requests/s through the proxy with a plain instance (the proxy's fast lane), and a
 *      replicated one with 0, 1 and 2 replicas, with the CPU each node spent per request (all
 *      nodes share this machine's cores, so the per-node cost is what scales out);
 *   3. write throughput through the proxy without and with LiteFS.
 *
 *   TSX_TSCONFIG_PATH=tsconfig.tsx.json node --import tsx bench/replicas/run.ts [--seconds 10] [--rate 50] [--connections 16]
 *
 * Needs root, /dev/fuse and LiteFS (the test bootstrap builds it). Starts the stack on free
 * 127.0.0.1 ports, deletes what it made, and is bounded by a watchdog. Prints a markdown
 * report and writes results.md next to this file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import PocketBase from 'pocketbase';
import { followEvents, txidOf } from '@burrow/litefs';
import { liteFsForTests } from '@burrow/litefs/testing';
import { resolveLocalhostSubdomains } from '@burrow/testing';
import { totalMicros, withChildren } from '../control/cpu.js';
import { Platform } from '../control/platform.js';
import { percentile } from '../control/stats.js';

const RESULTS_PATH = fileURLToPath(new URL('./results.md', import.meta.url));
const WATCHDOG_MS = 10 * 60_000;

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, rate: { type: 'string', default: '50' }, connections: { type: 'string', default: '16' } } });
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const connections = Number(values.connections);

const lfs = liteFsForTests();
if (lfs.skip) {
  console.error(`LiteFS cannot run here: ${lfs.skip}`);
  process.exit(1);
}

let platform: Platform | undefined;
const made: string[] = [];
const watchdog = setTimeout(() => {
  console.error(`watchdog: the bench ran over ${WATCHDOG_MS / 1000} s; cleaning up`);
  void cleanup().finally(() => process.exit(2));
}, WATCHDOG_MS);
watchdog.unref();

async function cleanup(): Promise<void> {
  if (!platform) return;
  await platform.deleteInstances(made).catch(() => undefined);
  await platform.close().catch(() => undefined);
  platform = undefined;
}

interface NodeView {
  id: string;
  role: string;
  status: string;
  healthy: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function nodes(p: Platform, id: string): Promise<NodeView[]> {
  return (await p.api('GET', `/api/instances/${id}/replicas`)).body.nodes as NodeView[];
}

/** Adds replicas until the instance has `count`, each healthy. */
async function scaleTo(p: Platform, id: string, count: number): Promise<void> {
  while ((await nodes(p, id)).filter((n) => n.role === 'replica').length < count) {
    const r = await p.api('POST', `/api/instances/${id}/replicas`);
    if (r.status !== 202) throw new Error(`add replica answered ${r.status}: ${JSON.stringify(r.body)}`);
    for (let i = 0; ; i++) {
      const all = await nodes(p, id);
      if (all.every((n) => n.status === 'running' && n.healthy) && all.filter((n) => n.role === 'replica').length >= 1) break;
      if (i > 600) throw new Error(`replica of ${id} never became healthy\n${p.lines.slice(-20).join('\n')}`);
      await sleep(100);
    }
  }
  await sleep(1_500); // the proxy's 1 s instance cache takes up the new node
}

/** The LiteFS API port of a node (its litefs.yml). */
function litefsUrl(p: Platform, nodeId: string): string {
  const yml = readFileSync(join(p.stack.dataDir, 'instances', nodeId, 'runtime', 'litefs.yml'), 'utf8');
  const addr = /addr: "([^"]+)"/.exec(yml)?.[1];
  if (!addr) throw new Error(`no LiteFS address for ${nodeId}`);
  return `http://${addr}`;
}

/** The processes of one node: LiteFS and the tenant under it. */
function nodePids(p: Platform, nodeId: string): number[] {
  const pid = p.pidFile(nodeId)?.pid;
  return pid === undefined ? [] : withChildren(pid);
}

interface ReadResult {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU µs per request of each node (primary first), and of the proxy. */
  nodeCpuUs: number[];
  proxyCpuUs: number;
}

async function readLoad(p: Platform, label: string, name: string, nodeIds: string[], path: string): Promise<ReadResult> {
  const url = `http://127.0.0.1:${p.proxyPort}`;
  const headers = { host: p.hostHeader(name) };
  const run = (duration: number) => autocannon({ url, connections, duration, timeout: 10, requests: [{ method: 'GET', path, headers }] });
  await run(2); // warm-up
  const proxyPid = p.pid('proxy');
  const pids = nodeIds.map((id) => nodePids(p, id));
  const before = pids.map((x) => totalMicros(x));
  const proxyBefore = proxyPid ? totalMicros([proxyPid]) : 0;
  const r = await run(seconds);
  const total = r.requests.total || 1;
  return {
    label,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx,
    nodeCpuUs: pids.map((x, i) => (totalMicros(x) - (before[i] ?? 0)) / total),
    proxyCpuUs: proxyPid ? (totalMicros([proxyPid]) - proxyBefore) / total : 0,
  };
}

async function writeLoad(p: Platform, name: string, path: string): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const url = `http://127.0.0.1:${p.proxyPort}`;
  const headers = { host: p.hostHeader(name), 'content-type': 'application/json' };
  const r = await autocannon({ url, connections, duration: seconds, timeout: 10, requests: [{ method: 'POST', path, headers, body: JSON.stringify({ title: 'w', views: 1 }) }] });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

/** Writes at `rate`/s for `seconds`; returns each replica's lag samples (ms from the write's response to the tx on the replica). */
async function lagUnderWrites(p: Platform, name: string, replicaIds: string[]): Promise<{ samples: number[]; perReplica: Map<string, number[]>; writes: number }> {
  const arrivals = new Map<string, Map<number, number>>();
  const abort = new AbortController();
  let connected = 0;
  const followers = replicaIds.map(async (id) => {
    const seen = new Map<number, number>();
    arrivals.set(id, seen);
    try {
      for await (const e of followEvents(litefsUrl(p, id), abort.signal)) {
        if (e.type === 'init') connected++;
        if (e.type === 'tx' && e.db === 'data.db') seen.set(txidOf(e), performance.now());
      }
    } catch {
      // the stream ends with the abort
    }
  });
  // /events reports what happens after a client connects: every stream's `init` first.
  for (let i = 0; connected < replicaIds.length; i++) {
    if (i > 500) throw new Error('the /events streams did not connect');
    await sleep(10);
  }
  const written: Array<{ tx: number; at: number }> = [];
  const base = `${p.instanceUrl(name)}/api/collections/bench_posts/records`;
  const start = performance.now();
  for (let i = 0; i < rate * seconds; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const res = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: `lag ${i}`, views: i }) });
    const at = performance.now();
    await res.arrayBuffer();
    const tx = Number(res.headers.get('burrow-txnum'));
    if (res.status === 200 && tx > 0) written.push({ tx, at });
  }
  await sleep(1_000);
  abort.abort();
  await Promise.all(followers);
  const perReplica = new Map<string, number[]>();
  const samples: number[] = [];
  for (const id of replicaIds) {
    const seen = arrivals.get(id) ?? new Map<number, number>();
    const lags: number[] = [];
    for (const w of written) {
      const t = seen.get(w.tx);
      // A tx seen before the response arrived counts 0: the replica had it first.
      if (t !== undefined) lags.push(Math.max(0, t - w.at));
    }
    perReplica.set(id, lags);
    samples.push(...lags);
  }
  return { samples, perReplica, writes: written.length };
}

async function seed(p: Platform, name: string): Promise<void> {
  const pb = new PocketBase(p.instanceUrl(name));
  await pb.collection('_superusers').authWithPassword(Platform.credentials.email, Platform.credentials.password);
  await pb.collections.create({ name: 'bench_posts', type: 'base', listRule: '', viewRule: '', createRule: '', fields: [{ name: 'title', type: 'text' }, { name: 'views', type: 'number' }] });
  for (let i = 0; i < 50; i++) await pb.collection('bench_posts').create({ title: `post ${i}`, views: i });
}

const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '—');

async function main(): Promise<void> {
  resolveLocalhostSubdomains();
  platform = await Platform.start(0, { LITEFS_BIN: lfs.bin, REPLICA_QUOTA: '4' });
  const p = platform;
  const plain = await p.create('bench-plain');
  const repl = await p.create('bench-repl');
  made.push(plain.id, repl.id);
  await p.waitStatus(plain.id, 'running');
  await p.waitStatus(repl.id, 'running');
  await seed(p, 'bench-plain');
  await seed(p, 'bench-repl');
  const readPath = '/api/collections/bench_posts/records?perPage=10&sort=-views';
  const writePath = '/api/collections/bench_posts/records';

  const reads: ReadResult[] = [];
  reads.push(await readLoad(p, 'plain instance (no LiteFS, fast lane)', 'bench-plain', [plain.id], readPath));
  const writesPlain = await writeLoad(p, 'bench-plain', writePath);

  // One replica moves the database into LiteFS; remove it again for the "0 replicas" column.
  await scaleTo(p, repl.id, 1);
  const first = (await nodes(p, repl.id)).find((n) => n.role === 'replica')!.id;
  await p.api('DELETE', `/api/instances/${repl.id}/replicas/${first}`);
  for (let i = 0; (await nodes(p, repl.id)).length > 1; i++) {
    if (i > 300) throw new Error('replica removal did not finish');
    await sleep(100);
  }
  await sleep(1_500);
  reads.push(await readLoad(p, 'LiteFS primary, 0 replicas', 'bench-repl', [repl.id], readPath));
  const writesLiteFs = await writeLoad(p, 'bench-repl', writePath);
  await scaleTo(p, repl.id, 1);
  let all = (await nodes(p, repl.id)).map((n) => n.id);
  reads.push(await readLoad(p, 'LiteFS, 1 replica', 'bench-repl', all, readPath));
  await scaleTo(p, repl.id, 2);
  all = (await nodes(p, repl.id)).map((n) => n.id);
  reads.push(await readLoad(p, 'LiteFS, 2 replicas', 'bench-repl', all, readPath));
  const lag = await lagUnderWrites(p, 'bench-repl', all.slice(1));

  const lines: string[] = [];
  lines.push(`Run of ${new Date().toISOString().slice(0, 10)} (${seconds} s per load, ${connections} connections, LiteFS v0.5.14; 2 cores shared by every node, the proxy and the load generator):`, '');
  lines.push('| reads through the proxy | req/s | p50 ms | p99 ms | errors | CPU µs/req per node (primary, replicas) | proxy CPU µs/req |', '|---|---|---|---|---|---|---|');
  for (const r of reads) lines.push(`| ${r.label} | ${f(r.rps)} | ${f(r.p50, 1)} | ${f(r.p99, 1)} | ${r.errors} | ${r.nodeCpuUs.map((c) => f(c)).join(' / ')} | ${f(r.proxyCpuUs)} |`);
  lines.push('', '| writes through the proxy (create a record) | req/s | p50 ms | p99 ms | errors |', '|---|---|---|---|---|');
  lines.push(`| plain instance (no LiteFS) | ${f(writesPlain.rps)} | ${f(writesPlain.p50, 1)} | ${f(writesPlain.p99, 1)} | ${writesPlain.errors} |`);
  lines.push(`| LiteFS primary | ${f(writesLiteFs.rps)} | ${f(writesLiteFs.p50, 1)} | ${f(writesLiteFs.p99, 1)} | ${writesLiteFs.errors} |`);
  lines.push('', `| replica lag at ${rate} writes/s for ${seconds} s (${lag.writes} writes, 2 replicas) | p50 ms | p99 ms | max ms | samples |`, '|---|---|---|---|---|');
  lines.push(`| both replicas | ${f(percentile(lag.samples, 50), 1)} | ${f(percentile(lag.samples, 99), 1)} | ${f(Math.max(...lag.samples), 1)} | ${lag.samples.length} |`);
  for (const [id, s] of lag.perReplica) lines.push(`| ${id.slice(-3)} | ${f(percentile(s, 50), 1)} | ${f(percentile(s, 99), 1)} | ${f(Math.max(...s), 1)} | ${s.length} |`);
  const report = lines.join('\n');
  console.log(report);
  writeFileSync(RESULTS_PATH, `# Replicas bench results\n\n\`TSX_TSCONFIG_PATH=tsconfig.tsx.json node --import tsx bench/replicas/run.ts --seconds ${seconds} --rate ${rate} --connections ${connections}\`\n\n${report}\n`);
}

try {
  await main();
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
