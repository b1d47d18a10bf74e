/** Renders the control-plane results as markdown (printed and written to results.md). */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { CreateSample } from './create_to_200.js';
import type { MemoryResult } from './memory.js';
import type { LoadResult, LoadSettings, Via } from './overhead.js';
import { median, ms, summarize } from './stats.js';
import type { StartupResult } from './tenant_startup.js';
import type { ProxyWakeStats, WakeSample } from './wake.js';

/** Everything one run measured; a part that did not run is undefined (or carries an error). */
export interface Results {
  command: string;
  /** Paced creates (`createGapMs` apart): the goal's measure. */
  create?: CreateSample[];
  createGapMs?: number;
  /** Back-to-back creates after the paced ones (reported, no goal). */
  createBurst?: CreateSample[];
  createError?: string;
  wakes?: WakeSample[];
  wakeError?: string;
  proxyWake?: ProxyWakeStats;
  load?: LoadResult[];
  loadError?: string;
  loadSettings: LoadSettings;
  /** Why the nginx column is n/a, when it is. */
  nginxSkipped?: string;
  nginxWorkers: number;
  /** nginx's error log lines (warn and above) at the end of part 3. */
  nginxLog?: string[];
  memory?: MemoryResult;
  memoryError?: string;
  startup?: StartupResult;
  startupError?: string;
  elapsedSec: number;
}

const VIAS: Via[] = ['direct', 'burrow proxy', 'nginx'];

const yes = (ok: boolean) => (ok ? '**met**' : '**missed**');
const mib = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(1));

/** The summary table: one row per measured goal. */
export function summaryTable(r: Results): string {
  const rows = ['| # | measure | result | goal | |', '|---|---|---|---|---|'];
  if (r.create?.length) {
    const s = summarize(r.create.map((c) => c.totalMs));
    rows.push(`| 1 | create → first 200 on the subdomain (${s.n} instances, one after the other, ${r.createGapMs ?? 0} ms apart) | p50 ${ms(s.p50)} / p95 ${ms(s.p95)} / max ${ms(s.max)} ms | p50 ≤ 300 ms | ${yes(s.p50 <= 300)} |`);
    if (r.createBurst?.length) {
      const b = summarize(r.createBurst.map((c) => c.totalMs));
      rows.push(`| 1b | the same, ${b.n} back to back (no pause: the previous create's standby refill competes) | p50 ${ms(b.p50)} / p95 ${ms(b.p95)} / max ${ms(b.max)} ms | — | |`);
    }
  } else rows.push(`| 1 | create → first 200 | not run: ${esc(r.createError)} | p50 ≤ 300 ms | |`);
  if (r.wakes?.length) {
    const s = summarize(r.wakes.map((w) => w.firstByteMs));
    rows.push(`| 2 | wake from sleep → first byte (${s.n} samples) | p50 ${ms(s.p50)} / p95 ${ms(s.p95)} / max ${ms(s.max)} ms | p50 ≤ 150 ms | ${yes(s.p50 <= 150)} |`);
  } else rows.push(`| 2 | wake from sleep → first byte | not run: ${esc(r.wakeError)} | p50 ≤ 150 ms | |`);
  if (r.load?.length) {
    const rounds = [...new Set(r.load.map((l) => l.round))];
    const parts = rounds.map((round) => {
      const get = (via: Via) => r.load!.find((l) => l.round === round && l.via === via);
      const d = get('direct');
      const p = get('burrow proxy');
      const n = get('nginx');
      const vsDirect = d && p ? p.rps / d.rps : Number.NaN;
      const vsNginx = n && p ? p.rps / n.rps : Number.NaN;
      return { vsDirect, vsNginx };
    });
    const text = parts
      .map((x, i) => `run ${i + 1}: ${x.vsDirect.toFixed(2)}x direct, ${Number.isFinite(x.vsNginx) ? `${x.vsNginx.toFixed(2)}x nginx` : 'nginx n/a'}`)
      .join('; ');
    const okDirect = parts.every((x) => x.vsDirect >= 0.9);
    const okNginx = parts.every((x) => !Number.isFinite(x.vsNginx) || x.vsNginx >= 1);
    const nginxKnown = parts.some((x) => Number.isFinite(x.vsNginx));
    rows.push(`| 3 | getOne req/s through the proxy | ${text} | ≥ 0.9x direct and ≥ nginx | ≥ 0.9x direct: ${yes(okDirect)}; ≥ nginx: ${nginxKnown ? yes(okNginx) : 'n/a'} |`);
  } else rows.push(`| 3 | getOne through the proxy | not run: ${esc(r.loadError)} | ≥ 0.9x direct and ≥ nginx | |`);
  if (r.memory) {
    const m = r.memory;
    const platform = (m.roles.api ?? 0) + (m.roles.worker ?? 0) + (m.roles.proxy ?? 0);
    const fitAfter = Math.floor((4096 - platform) / m.medianTenantMiB);
    rows.push(`| 4 | idle running tenant RSS (median of ${m.tenants.length}) | ${mib(m.medianTenantMiB)} MiB → ${m.fitIn4GiB} running tenants in 4 GiB (${fitAfter} next to the api + worker + proxy) | — | |`);
    rows.push(`| 4 | platform processes RSS (with ${m.tenants.length}+ tenants running) | api ${mib(m.roles.api)} / worker ${mib(m.roles.worker)} / proxy ${mib(m.roles.proxy)} MiB | — | |`);
  } else rows.push(`| 4 | memory | not run: ${esc(r.memoryError)} | — | |`);
  return rows.join('\n');
}

/** Part 3 in detail: one row per (run, via). */
export function loadTable(r: Results): string {
  if (!r.load?.length) return '';
  const rows = [
    '| run | via | req/s | p50 ms | p99 ms | failed | req/s vs direct | tenant CPU µs/req | proxy CPU µs/req |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const rounds = [...new Set(r.load.map((l) => l.round))];
  for (const round of rounds) {
    const direct = r.load.find((l) => l.round === round && l.via === 'direct');
    for (const via of VIAS) {
      const l = r.load.find((x) => x.round === round && x.via === via);
      if (!l) {
        rows.push(`| ${round} | ${via} | n/a | n/a | n/a | n/a | n/a | n/a | n/a |`);
        continue;
      }
      const ratio = direct && direct.rps > 0 ? `${(l.rps / direct.rps).toFixed(2)}x` : '—';
      const proxyCpu = via === 'direct' ? '—' : String(Math.round(l.proxyCpuUs));
      rows.push(`| ${round} | ${via} | ${Math.round(l.rps)} | ${l.p50} | ${l.p99} | ${l.failures} | ${ratio} | ${Math.round(l.tenantCpuUs)} | ${proxyCpu} |`);
    }
  }
  return rows.join('\n');
}

/** Where the time goes: breakdowns and the tenant's boot on its own. */
export function diagnostics(r: Results): string {
  const lines: string[] = [];
  if (r.create?.length) {
    const post = median(r.create.map((c) => c.postMs));
    const spawn = median(r.create.map((c) => c.toSpawnMs));
    const after = median(r.create.map((c) => c.totalMs - c.toSpawnMs));
    lines.push(`- create → 200, medians: POST answered 202 after ${ms(post)} ms; tenant spawned at +${ms(spawn)} ms (pid.json startedAt); spawn → first 200 through the proxy ${ms(after)} ms.`);
  }
  if (r.startup) {
    const s = r.startup;
    lines.push(
      `- tenant boot alone (\`burrow-tenant serve\` spawn → /api/health 200, 5 ms polls): first boot on an empty dir ${ms(s.firstBootMs)} ms, ` +
        `reboot on the same dir p50 ${ms(median(s.warmBootMs))} ms (min ${ms(Math.min(...s.warmBootMs))}, n=${s.warmBootMs.length}); bare \`node -e 0\` p50 ${ms(median(s.nodeFloorMs))} ms.`,
    );
  } else if (r.startupError) lines.push(`- tenant boot alone: not run (${r.startupError})`);
  if (r.wakes?.length) {
    const toSpawn = median(r.wakes.map((w) => w.toSpawnMs));
    const after = median(r.wakes.map((w) => w.firstByteMs - w.toSpawnMs));
    lines.push(`- wake, medians: tenant spawned at +${ms(toSpawn)} ms after the request was sent; spawn → first byte ${ms(after)} ms.`);
  }
  if (r.proxyWake) {
    lines.push(`- proxy's own wake histogram (\`burrow_proxy_wake_seconds\`, i.e. runtime.start: lock, spawn, health polls until 200): mean ${ms(r.proxyWake.meanMs)} ms over ${r.proxyWake.count} wakes.`);
  }
  if (r.nginxLog?.length) lines.push(`- nginx error log (last lines): ${r.nginxLog.map((l) => `\`${l}\``).join('; ')}`);
  else if (r.load?.length && !r.nginxSkipped) lines.push('- nginx error log: empty.');
  if (r.memory) {
    lines.push(`- tenant RSS samples (MiB): ${r.memory.tenants.map((t) => mib(t.rssMiB)).join(', ')}.`);
  }
  return lines.join('\n');
}

/** The full results.md text. */
export function renderResults(r: Results): string {
  const cpu = cpus();
  const s = r.loadSettings;
  const nginx = r.nginxSkipped ? `nginx column: n/a (${r.nginxSkipped})` : `nginx ${r.nginxWorkers} worker process, upstream keepalive 32, HTTP/1.1, access_log off`;
  return [
    '# Control-plane benchmark results (issue 3)',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Command: \`${r.command}\``,
    `- Machine: ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    `- Part 3 load: autocannon, ${s.connections} connections, ${s.warmupSec} s warm-up + ${s.durationSec} s measured per column; ${nginx}`,
    `- Whole run: ${Math.round(r.elapsedSec)} s`,
    '',
    summaryTable(r),
    '',
    loadTable(r),
    '',
    diagnostics(r),
    '',
  ].join('\n');
}

export function writeResults(path: string, text: string): void {
  writeFileSync(path, text);
}

function esc(s: string | undefined): string {
  return (s ?? 'unknown').split('\n')[0].replaceAll('|', '\\|').slice(0, 160);
}
