/**
 * Realtime fan-out (issue 5): N SSE subscribers on one collection, one write fans out to all.
 *
 *   node --import tsx bench/realtime/run.ts [--steps 100,1000,5000,10000] [--writes 5] [--target tenant|pocketbase|both]
 *
 * Starts `burrow-tenant serve` (and/or the reference PocketBase binary) on a temp dir, creates a
 * public collection, then steps the number of subscribers up (they stay connected between steps).
 * At each step it creates `--writes` records one after the other and, for each, times every
 * subscriber's delivery from just before the create request until its message was parsed.
 * Reports delivery p50/p99/max, how many deliveries arrived, and the server's RSS. The
 * subscribers live in this one Node process, so at high counts its own parsing is part of the
 * latency (said in the results). Stops at the first step that cannot connect or deliver.
 */
import http from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_SUPERUSER, POCKETBASE_BIN, startPocketBase, startTenant, type ServerHandle } from '../../apps/tenant/test/support/processes.js';

const RESULTS_PATH = fileURLToPath(new URL('./results.md', import.meta.url));
const DELIVERY_TIMEOUT_MS = 60_000;
const CONNECT_CONCURRENCY = 100;

interface Subscriber {
  clientId: string;
  /** Arrival time (performance.now()) by record title. */
  arrivals: Map<string, number>;
  close(): void;
}

interface StepResult {
  target: string;
  subscribers: number;
  deliveries: number;
  expected: number;
  p50: number;
  p99: number;
  max: number;
  rssMiB: number;
  error?: string;
}

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

/** Opens one stream and resolves once PB_CONNECT gave its client id. */
function connect(url: string): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const arrivals = new Map<string, number>();
    const req = http.get(`${url}/api/realtime`, { agent, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`GET /api/realtime answered ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      let sub: Subscriber | undefined;
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = '';
          let id = '';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('id:')) id = line.slice(3).trim();
            else if (line.startsWith('data:')) data += line.slice(5).trim();
          }
          if (event === 'PB_CONNECT') {
            sub = { clientId: id, arrivals, close: () => req.destroy() };
            resolve(sub);
          } else if (data) {
            const title = (JSON.parse(data) as { record?: { title?: string } }).record?.title;
            if (title) arrivals.set(title, performance.now());
          }
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('connect timeout')));
  });
}

async function subscribe(url: string, sub: Subscriber, topic: string): Promise<void> {
  const res = await fetch(`${url}/api/realtime`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: sub.clientId, subscriptions: [topic] }) });
  if (res.status !== 204) throw new Error(`subscribe answered ${res.status}: ${await res.text()}`);
}

/** Runs `fn` over `items` with at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function runTarget(target: 'tenant' | 'pocketbase', steps: number[], writes: number): Promise<StepResult[]> {
  const server: ServerHandle = target === 'tenant' ? await startTenant() : await startPocketBase();
  const results: StepResult[] = [];
  const subs: Subscriber[] = [];
  try {
    const login = await fetch(`${server.url}/api/collections/_superusers/auth-with-password`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity: DEFAULT_SUPERUSER.email, password: DEFAULT_SUPERUSER.password }),
    });
    const { token } = (await login.json()) as { token: string };
    const created = await fetch(`${server.url}/api/collections`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: token },
      body: JSON.stringify({ name: 'fanout', type: 'base', listRule: '', viewRule: '', fields: [{ name: 'title', type: 'text' }] }),
    });
    if (!created.ok) throw new Error(`collection: ${created.status} ${await created.text()}`);
    let write = 0;
    for (const step of steps) {
      const result: StepResult = { target, subscribers: step, deliveries: 0, expected: 0, p50: NaN, p99: NaN, max: NaN, rssMiB: NaN };
      try {
        const started = performance.now();
        const more = Array.from({ length: step - subs.length }, (_, i) => i);
        await pool(more, CONNECT_CONCURRENCY, async () => {
          const sub = await connect(server.url);
          subs.push(sub);
          await subscribe(server.url, sub, 'fanout/*');
        });
        process.stdout.write(`[${target}] ${subs.length} subscribers connected in ${Math.round(performance.now() - started)} ms\n`);
        const latencies: number[] = [];
        for (let w = 0; w < writes; w++) {
          const title = `w${++write}`;
          const t0 = performance.now();
          const res = await fetch(`${server.url}/api/collections/fanout/records`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: token }, body: JSON.stringify({ title }) });
          if (!res.ok) throw new Error(`create answered ${res.status}`);
          const deadline = t0 + DELIVERY_TIMEOUT_MS;
          while (subs.some((s) => !s.arrivals.has(title)) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
          for (const s of subs) {
            const at = s.arrivals.get(title);
            if (at !== undefined) latencies.push(at - t0);
          }
          result.expected += subs.length;
        }
        latencies.sort((a, b) => a - b);
        Object.assign(result, { deliveries: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1], rssMiB: rssMiB(server.pid) });
        process.stdout.write(`[${target}] ${step}: ${result.deliveries}/${result.expected} delivered, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, RSS ${result.rssMiB.toFixed(1)} MiB\n`);
        results.push(result);
        if (result.deliveries < result.expected) break;
      } catch (err) {
        result.error = err instanceof Error ? err.message : String(err);
        process.stdout.write(`[${target}] ${step}: stopped: ${result.error}\n`);
        results.push(result);
        break;
      }
    }
  } finally {
    for (const s of subs) s.close();
    await server.stop();
  }
  return results;
}

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '100,1000,5000,10000' },
    writes: { type: 'string', default: '5' },
    target: { type: 'string', default: 'both' },
  },
});
const steps = String(values.steps).split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0).sort((a, b) => a - b);
const writes = Math.max(1, Number(values.writes));
const targets = values.target === 'both' ? (['tenant', 'pocketbase'] as const) : ([values.target as 'tenant' | 'pocketbase'] as const);
const all: StepResult[] = [];
for (const target of targets) {
  if (target === 'pocketbase') {
    try {
      readFileSync(POCKETBASE_BIN);
    } catch {
      process.stdout.write(`[pocketbase] skipped: ${POCKETBASE_BIN} missing (npm test's bootstrap builds it)\n`);
      continue;
    }
  }
  all.push(...(await runTarget(target, steps, writes)));
}
const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');
const table = [
  '| server | subscribers | delivered | p50 ms | p99 ms | max ms | server RSS MiB | note |',
  '|---|---:|---:|---:|---:|---:|---:|---|',
  ...all.map((r) => `| ${r.target} | ${r.subscribers} | ${r.deliveries}/${r.expected} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${fmt(r.rssMiB)} | ${r.error ?? ''} |`),
].join('\n');
const command = ['node --import tsx bench/realtime/run.ts', ...process.argv.slice(2)].join(' ');
writeFileSync(RESULTS_PATH, `# Realtime fan-out results\n\n\`${command}\` on ${new Date().toISOString().slice(0, 10)}, ${writes} writes per step, delivery time from just before the create request to the subscriber's parsed message (all subscribers in the bench's own process).\n\n${table}\n`);
process.stdout.write(`\n${table}\n\nwritten to ${RESULTS_PATH}\n`);
