/**
 * Tenant vs PocketBase load benchmark.
 *
 *   node --import tsx bench/tenant/run.ts [--duration 10] [--connections 50]
 *        [--only tenant|pocketbase] [--warmup 2] [--records 10000]
 *
 * Starts one target at a time on 127.0.0.1, seeds identical data through the SDK, runs
 * every workload in benches.ts with autocannon, stops the target, then prints a markdown
 * table and writes it to bench/tenant/results.md.
 */
import autocannon from 'autocannon';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  POCKETBASE_BIN,
  startPocketBase,
  startTenant,
  type ServerHandle,
} from '../../apps/tenant/test/support/processes.js';
import { BENCHES, type Bench } from './benches.js';
import { renderResults, renderTable, writeResults, type Row, type Target } from './report.js';
import { seed, type SeedResult } from './seed.js';

const RESULTS_PATH = fileURLToPath(new URL('./results.md', import.meta.url));
/** Extra seconds allowed beyond the planned load time (startup, seeding) before giving up. */
const WATCHDOG_SLACK_SEC = 240;

interface Options {
  durationSec: number;
  connections: number;
  warmupSec: number;
  records: number;
  targets: Target[];
}

function parseCli(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
      warmup: { type: 'string', default: '2' },
      records: { type: 'string', default: '10000' },
      only: { type: 'string' },
    },
  });
  const num = (name: string, raw: string, min: number) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
    return n;
  };
  const only = values.only;
  if (only !== undefined && only !== 'tenant' && only !== 'pocketbase') {
    throw new Error('--only must be "tenant" or "pocketbase"');
  }
  return {
    durationSec: num('duration', values.duration, 1),
    connections: num('connections', values.connections, 1),
    warmupSec: num('warmup', values.warmup, 0),
    records: num('records', values.records, 1),
    targets: only ? [only] : ['pocketbase', 'tenant'],
  };
}

/** Sends one request of the workload and fails unless it answers 2xx. */
async function preflight(url: string, bench: Bench, seeded: SeedResult): Promise<void> {
  const [template] = bench.requests(seeded);
  const req = template.setupRequest ? template.setupRequest(template, {}) : template;
  const res = await fetch(url + (req.path ?? '/'), {
    method: req.method ?? 'GET',
    headers: req.headers,
    body: req.body,
    signal: AbortSignal.timeout(10_000),
  });
  const body = await res.text();
  if (res.status < 200 || res.status > 299) {
    throw new Error(`preflight ${req.method} ${req.path} answered ${res.status}: ${body.slice(0, 200)}`);
  }
}

async function measure(
  server: ServerHandle,
  target: Target,
  bench: Bench,
  seeded: SeedResult,
  opts: Options,
): Promise<Row> {
  try {
    await preflight(server.url, bench, seeded);
  } catch (err) {
    return { bench: bench.name, target, rps: 0, p50: 0, p99: 0, failures: 0, error: firstLine(err) };
  }
  const result = await autocannon({
    url: server.url,
    connections: opts.connections,
    duration: opts.durationSec,
    timeout: 10,
    requests: bench.requests(seeded),
    ...(opts.warmupSec > 0
      ? { warmup: { connections: opts.connections, duration: opts.warmupSec } }
      : {}),
  });
  return {
    bench: bench.name,
    target,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

function notRun(target: Target, reason: string): Row[] {
  return BENCHES.map((b) => ({ bench: b.name, target, rps: 0, p50: 0, p99: 0, failures: 0, error: reason }));
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

async function main(): Promise<void> {
  const opts = parseCli(process.argv.slice(2));
  const command = ['node --import tsx bench/tenant/run.ts', ...process.argv.slice(2)].join(' ');
  const rows: Row[] = [];
  const seedSeconds: Partial<Record<Target, number>> = {};
  const running = new Set<ServerHandle>();

  // Bound the whole run: if anything hangs, kill our servers and exit non-zero.
  const plannedSec =
    opts.targets.length * BENCHES.length * (opts.durationSec + opts.warmupSec);
  const watchdog = setTimeout(() => {
    console.error(`benchmark exceeded ${plannedSec + WATCHDOG_SLACK_SEC} s; stopping`);
    for (const s of running) process.kill(s.pid, 'SIGKILL');
    process.exit(2);
  }, (plannedSec + WATCHDOG_SLACK_SEC) * 1000);
  watchdog.unref();

  for (const target of opts.targets) {
    console.log(`\n== ${target}: starting`);
    let server: ServerHandle;
    try {
      server = target === 'pocketbase' ? await startPocketBase() : await startTenant();
    } catch (err) {
      // Keep the other target's numbers: report this one as not run.
      console.error(err instanceof Error ? err.message : err);
      rows.push(...notRun(target, `could not start: ${firstLine(err)}`));
      continue;
    }
    running.add(server);
    try {
      const t0 = performance.now();
      let seeded: SeedResult;
      try {
        seeded = await seed(server.url, opts.records);
      } catch (err) {
        console.error(err instanceof Error ? (err.stack ?? err.message) : err);
        rows.push(...notRun(target, `seeding failed: ${firstLine(err)}`));
        continue;
      }
      seedSeconds[target] = (performance.now() - t0) / 1000;
      console.log(`   seeded ${opts.records} records in ${seedSeconds[target].toFixed(1)} s`);
      for (const bench of BENCHES) {
        const row = await measure(server, target, bench, seeded, opts);
        rows.push(row);
        console.log(
          row.error
            ? `   ${bench.name}: not run (${row.error})`
            : `   ${bench.name}: ${Math.round(row.rps)} req/s, p50 ${row.p50} ms, ` +
                `p99 ${row.p99} ms, ${row.failures} failed`,
        );
      }
    } finally {
      await server.stop();
      running.delete(server);
    }
  }
  clearTimeout(watchdog);

  const table = renderTable(rows);
  const text = renderResults(
    {
      command,
      durationSec: opts.durationSec,
      warmupSec: opts.warmupSec,
      connections: opts.connections,
      records: opts.records,
      seedSeconds,
      pocketbaseBin: POCKETBASE_BIN,
    },
    table,
  );
  await writeResults(RESULTS_PATH, text);
  console.log(`\n${text}\nwritten to ${RESULTS_PATH}`);
  if (rows.some((r) => r.error)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
