/**
 * The warm pool's gain, without the platform: one instance started and stopped `--rounds`
 * times through a ProcessRuntime with `standby: 0` (every start spawns) and `standby: 1` (a
 * start takes a pre-started, warmed-up `burrow-tenant standby`). Times `runtime.start()` (it
 * resolves at the first `GET /api/health` = 200) and the first GET after it on a new connection
 * (`/api/collections/users/records?perPage=1`, a real handler). Before each start the host is
 * left idle for `--idle-ms` (the pool refilled and warmed up, as between real wakes); one
 * unrecorded round per mode creates the data dir first. Also prints the RSS of a waiting
 * standby and of a tenant after its first request, both ways.
 *
 *   npx tsc -b && node --import tsx bench/control/standby.ts [--rounds 20] [--idle-ms 700]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ProcessRuntime, parseInstanceId } from '@burrow/runtime';
import { ms, summarize, type Summary } from './stats.js';
import { timeFirstByte } from './wake.js';

const TENANT_BIN = fileURLToPath(new URL('../../apps/tenant/bin/burrow-tenant.mjs', import.meta.url));
const FIRST_GET = '/api/collections/users/records?perPage=1';

/** One mode's results. */
interface ModeResult {
  standby: number;
  startMs: Summary;
  firstGetMs: Summary;
  /** VmRSS of a waiting standby (MiB); undefined without a pool. */
  standbyRssMiB?: number;
  /** VmRSS of the tenant after its first GET (MiB, last round). */
  tenantRssMiB: number;
  /** Starts served by a standby. */
  pooledStarts: number;
}

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:')) ?? '';
  return Number(line.replace(/\D+/g, '')) / 1024;
}

async function measure(standby: number, rounds: number, idleMs: number): Promise<ModeResult> {
  const rootDir = mkdtempSync(join(tmpdir(), 'burrow-bench-standby-'));
  const spawned: number[] = [];
  const runtime = new ProcessRuntime({
    rootDir,
    tenantBin: TENANT_BIN,
    standby,
    spawn: (command, args, options): ChildProcess => {
      const child = spawn(command, args, options);
      if (child.pid !== undefined) spawned.push(child.pid);
      return child;
    },
  });
  const id = parseInstanceId('bench-standby');
  const startMs: number[] = [];
  const firstGetMs: number[] = [];
  let standbyRssMiB: number | undefined;
  let tenantRssMiB = 0;
  let pooledStarts = 0;
  try {
    for (let round = 0; round <= rounds; round++) {
      await new Promise((r) => setTimeout(r, idleMs)); // idle host: the pool refilled and warmed up
      const waiting = standby > 0 ? spawned[spawned.length - 1] : undefined;
      if (waiting !== undefined && round === rounds) standbyRssMiB = rssMiB(waiting);
      const t0 = performance.now();
      const endpoint = await runtime.start({ id, env: { BENCH_SECRET: 'x' } });
      const started = performance.now() - t0;
      const { firstByteMs, status } = await timeFirstByte(endpoint.port, `${endpoint.host}:${endpoint.port}`, FIRST_GET);
      if (status !== 200) throw new Error(`${FIRST_GET} answered ${status}`);
      const { pid } = await runtime.status(id);
      if (round > 0) {
        startMs.push(started);
        firstGetMs.push(firstByteMs);
        if (pid === waiting) pooledStarts++;
      }
      if (round === rounds && pid !== undefined) tenantRssMiB = rssMiB(pid);
      await runtime.stop(id);
    }
  } finally {
    await runtime.stop(id).catch(() => undefined);
    await runtime.close();
    rmSync(rootDir, { recursive: true, force: true });
  }
  return { standby, startMs: summarize(startMs), firstGetMs: summarize(firstGetMs), standbyRssMiB, tenantRssMiB, pooledStarts };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '20' }, 'idle-ms': { type: 'string', default: '700' } } });
  const rounds = Number(values.rounds);
  const idleMs = Number(values['idle-ms']);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) throw new Error('--rounds must be an integer in 1..100');
  if (!Number.isInteger(idleMs) || idleMs < 0 || idleMs > 10_000) throw new Error('--idle-ms must be an integer in 0..10000');
  const results: ModeResult[] = [];
  for (const standby of [0, 1]) {
    results.push(await measure(standby, rounds, idleMs));
    const r = results[results.length - 1];
    console.log(`standby ${standby}: done (${r.pooledStarts}/${rounds} starts served by a standby)`);
  }
  console.log(`\n${rounds} rounds per mode, ${idleMs} ms idle before each start; ms unless noted\n`);
  console.log('| standby | start() → health 200 p50 / p95 / max | first GET p50 / p95 / max | waiting standby RSS | tenant RSS after first GET |');
  console.log('|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const rss = r.standbyRssMiB === undefined ? '—' : `${r.standbyRssMiB.toFixed(1)} MiB`;
    console.log(`| ${r.standby} | ${ms(r.startMs.p50)} / ${ms(r.startMs.p95)} / ${ms(r.startMs.max)} | ${ms(r.firstGetMs.p50)} / ${ms(r.firstGetMs.p95)} / ${ms(r.firstGetMs.max)} | ${rss} | ${r.tenantRssMiB.toFixed(1)} MiB |`);
  }
}

await main();
