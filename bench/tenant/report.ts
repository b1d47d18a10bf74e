/** Renders benchmark rows as a markdown table and writes results.md. */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';

/** Targets a bench can run against. */
export type Target = 'pocketbase' | 'tenant';

/** One measured (bench, target) pair. */
export interface Row {
  bench: string;
  target: Target;
  /** Mean requests per second over the measured duration. */
  rps: number;
  p50: number;
  p99: number;
  /** Non-2xx responses plus connection errors and timeouts. */
  failures: number;
  /** Set when the bench could not run at all (e.g. the preflight request failed). */
  error?: string;
}

/** Markdown table of all rows, with tenant/pocketbase req/s ratios on tenant rows. */
export function renderTable(rows: Row[]): string {
  const lines = [
    '| bench | target | req/s | p50 ms | p99 ms | failed requests | tenant/pocketbase req/s |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    if (row.error) {
      const reason = row.error.replaceAll('|', '\\|').slice(0, 160);
      lines.push(`| ${row.bench} | ${row.target} | — | — | — | — | not run: ${reason} |`);
      continue;
    }
    const pb = rows.find((r) => r.bench === row.bench && r.target === 'pocketbase' && !r.error);
    const ratio = row.target === 'tenant' && pb && pb.rps > 0 ? `${(row.rps / pb.rps).toFixed(2)}x` : '';
    lines.push(
      `| ${row.bench} | ${row.target} | ${Math.round(row.rps)} | ${row.p50.toFixed(1)} | ` +
        `${row.p99.toFixed(1)} | ${row.failures} | ${ratio} |`,
    );
  }
  return lines.join('\n');
}

/** Everything results.md states besides the table. */
export interface RunInfo {
  command: string;
  durationSec: number;
  warmupSec: number;
  connections: number;
  records: number;
  /** Seconds spent seeding, per target. */
  seedSeconds: Partial<Record<Target, number>>;
  pocketbaseBin: string;
}

/** The full results.md text. */
export function renderResults(info: RunInfo, table: string): string {
  const cpu = cpus();
  const seeding = Object.entries(info.seedSeconds)
    .map(([t, s]) => `${t} ${s.toFixed(1)} s`)
    .join(', ');
  return [
    '# Tenant benchmark results',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Command: \`${info.command}\``,
    `- Load: autocannon, ${info.connections} connections, ${info.warmupSec} s warmup + ` +
      `${info.durationSec} s measured per row, one target at a time`,
    `- Data: ${info.records} bench_posts records; seeding through SDK batch requests took ${seeding}`,
    `- Machine: ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ` +
      `PocketBase ${pocketbaseVersion(info.pocketbaseBin)}`,
    '',
    table,
    '',
  ].join('\n');
}

/** Writes results.md. */
export async function writeResults(path: string, text: string): Promise<void> {
  await writeFile(path, text);
}

/** The PocketBase module version baked into the binary (its --version says "untracked"). */
function pocketbaseVersion(bin: string): string {
  try {
    const out = execFileSync('go', ['version', '-m', bin], { encoding: 'utf8', timeout: 10_000 });
    return /\bgithub\.com\/pocketbase\/pocketbase\s+(v\S+)/.exec(out)?.[1] ?? 'unknown version';
  } catch {
    return 'unknown version';
  }
}
