/**
 * Point-in-time restore (issue 6) of a large database: one instance under a ProcessRuntime with
 * continuous backup on (Litestream beside the tenant, replica in a directory), its data written
 * through the tenant's API while Litestream replicates, then restored in place to a moment the
 * way the worker does it, twice, each step timed.
 *
 *   TSX_TSCONFIG_PATH=tsconfig.tsx.json node --import tsx bench/backups/pitr.ts
 *        [--size-mb 1024] [--row-kb 100] [--concurrency 4] [--timeout-min 30]
 *
 * 1. Superuser upserted into the instance's data dir, instance started with
 *    `continuousBackup: { target: { type: 'file', path } }` (default timing: sync every 1 s,
 *    a snapshot every 6 h), `blobs` and `writes` created through the SDK. The same writes go
 *    first to an instance without continuous backup (then removed), for the writer's cost.
 * 2. `blobs` filled through the API (`--concurrency` creates at a time) with `--row-kb` KiB rows of
 *    base64 of random bytes (the same rows as run.ts) up to `--size-mb` MiB; the replica got
 *    them as Litestream shipped the WAL each second. Timed, with the CPU of the tenant and of
 *    Litestream, the lag until the replica stopped changing, and the replica's size.
 * 3. Restore "from WAL": a record, the moment, a record >1 s later; then stop, undo archive,
 *    `restoreAt` (the generation began with the database still empty: every row is replayed from
 *    WAL segments), archive with `databaseDir`, swap, start, until the later record answers 404.
 * 4. The start after the swap began a new generation, whose first step is a snapshot of the whole
 *    restored database: its time (the snapshot file's mtime minus the start) and size, with a
 *    writer creating small records meanwhile.
 * 5. Restore "from a snapshot": the same as 3, now served by that snapshot plus a little WAL.
 * Everything runs on 127.0.0.1 in one temp dir, removed at the end; a watchdog kills the bench's
 * own child processes and removes it if the run overruns. Results go to pitr_results.md.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type PocketBase from 'pocketbase';
import { ProcessRuntime, parseInstanceId } from '@burrow/runtime';
import { percentile } from '../control/stats.js';
import { MiB } from './blobs.js';
import {
  chooseMoment, createCollections, dirBytes, login, makeBench, restoreInPlace, seedThroughApi, snapshotFiles, startWriter, TENANT_BIN, upsertSuperuser,
  type Bench, type PitrResult, type SeedResult,
} from './pitr_steps.js';
import { armWatchdog, descendants, killTree } from './processes.js';

const RESULTS_PATH = fileURLToPath(new URL('./pitr_results.md', import.meta.url));
/** A 1 GiB snapshot takes seconds; this bounds a Litestream that never writes one. */
const SNAPSHOT_TIMEOUT_MS = 5 * 60_000;
/** Room for a tenant closing (and Litestream shipping its last WAL) with a 1 GiB database. */
const STOP_GRACE_MS = 60_000;

interface Plan {
  sizeMiB: number;
  rowKiB: number;
  concurrency: number;
  timeoutMinutes: number;
}

interface SnapshotResult {
  /** From the start after the swap until the snapshot file was complete, s. */
  seconds: number;
  bytes: number;
  replicaBytes: number;
  writes: number[];
  failedWrites: number;
}

interface Results {
  seedOff?: SeedResult;
  seed?: SeedResult;
  fromWal?: PitrResult;
  snapshot?: SnapshotResult;
  fromSnapshot?: PitrResult;
  notes: string[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const fmt = (v: number | undefined, digits = 1) => (v !== undefined && Number.isFinite(v) ? v.toFixed(digits) : '—');
const mib = (bytes: number | undefined, digits = 0) => fmt(bytes === undefined ? undefined : bytes / MiB, digits);

/** Waits for a snapshot file beyond the `before` known ones; its mtime dates its completion. */
async function newSnapshot(bench: Bench, before: number, startedAt: number): Promise<{ seconds: number; bytes: number }> {
  const deadline = performance.now() + SNAPSHOT_TIMEOUT_MS;
  for (;;) {
    const files = snapshotFiles(bench.target);
    if (files.length > before) {
      const newest = files.map((f) => statSync(f)).reduce((a, b) => (b.mtimeMs > a.mtimeMs ? b : a));
      return { seconds: (newest.mtimeMs - startedAt) / 1000, bytes: newest.size };
    }
    if (performance.now() > deadline) throw new Error(`no new snapshot in the replica ${SNAPSHOT_TIMEOUT_MS / 1000} s after the start`);
    await sleep(100);
  }
}

/** Creates the superuser, starts the instance and creates the collections; logged in. */
async function prepare(bench: Bench, rowChars: number): Promise<PocketBase> {
  mkdirSync(bench.dataDir, { recursive: true });
  upsertSuperuser(bench);
  const { url } = await bench.runtime.start(bench.spec);
  const pb = await login(url);
  await createCollections(pb, rowChars);
  return pb;
}

async function seed(bench: Bench, pb: PocketBase, plan: Plan): Promise<SeedResult> {
  const rowChars = plan.rowKiB * 1024;
  const rows = Math.ceil((plan.sizeMiB * MiB) / rowChars);
  const on = bench.spec.continuousBackup !== undefined;
  process.stdout.write(`continuous backup ${on ? 'on' : 'off'}: writing ${rows} rows of ${plan.rowKiB} KiB through the API (${plan.concurrency} at a time)...\n`);
  const result = await seedThroughApi(bench, pb, rows, rowChars, plan.concurrency);
  const r = result.replication;
  process.stdout.write(
    `written in ${result.seconds.toFixed(1)} s; data.db + WAL ${mib(result.dbBytes)} MiB, tenant CPU ${result.tenantCpuS.toFixed(1)} s` +
      (r ? `; litestream CPU ${r.litestreamCpuS.toFixed(1)} s, replica ${mib(r.replicaBytes)} MiB (settled ${r.lagS.toFixed(1)} s after the last write)` : '') + '\n',
  );
  return result;
}

async function run(root: string, runtime: ProcessRuntime, plan: Plan, results: Results): Promise<void> {
  const rowChars = plan.rowKiB * 1024;
  // The same writes without continuous backup first: what replication costs the writer.
  const off = makeBench(root, runtime, parseInstanceId('bench-pitr-off'), false);
  results.seedOff = await seed(off, await prepare(off, rowChars), plan);
  await runtime.remove(off.id);

  const bench = makeBench(root, runtime, parseInstanceId('bench-pitr'), true);
  mkdirSync(bench.workDir, { recursive: true });
  const pb = await prepare(bench, rowChars);
  const { rows } = (results.seed = await seed(bench, pb, plan));

  process.stdout.write('point-in-time restore, the generation replayed from WAL...\n');
  const a = await restoreInPlace(bench, await chooseMoment(bench, pb, 'wal'), 'wal', rows);
  results.fromWal = a.result;
  process.stdout.write(`${summary(a.result)}\n`);

  const writer = startWriter(a.pb);
  const snapshot = await newSnapshot(bench, a.result.snapshots, a.startedAt).catch(async (err: unknown) => {
    await writer.stop();
    throw err;
  });
  const written = await writer.stop();
  results.snapshot = { ...snapshot, replicaBytes: dirBytes(bench.target.path), writes: written.latencies, failedWrites: written.failed };
  process.stdout.write(`new generation's snapshot: ${snapshot.seconds.toFixed(1)} s after the start, ${mib(snapshot.bytes)} MiB\n`);

  process.stdout.write('point-in-time restore, from the snapshot...\n');
  const b = await restoreInPlace(bench, await chooseMoment(bench, a.pb, 'snapshot'), 'snapshot', rows);
  results.fromSnapshot = b.result;
  process.stdout.write(`${summary(b.result)}\n`);
  await bench.runtime.stop(bench.id);
}

const summary = (r: PitrResult) =>
  `  stop ${r.stopS.toFixed(1)} s, undo ${r.undoS.toFixed(1)} s, restoreAt ${r.restoreAtS.toFixed(1)} s, archive ${r.archiveS.toFixed(1)} s, swap ${r.swapS.toFixed(1)} s, ` +
  `start ${r.startS.toFixed(1)} s; total ${r.totalS.toFixed(1)} s; ${r.check}`;

// ---------------------------------------------------------------- report

const SEED_ROWS: Array<[string, (s: SeedResult) => string]> = [
  ['rows (data.db + WAL, MiB)', (s) => `${s.rows} (${mib(s.dbBytes)})`],
  ['write time, s (MiB/s of payload)', (s) => `${fmt(s.seconds)} (${fmt(s.payloadBytes / MiB / s.seconds)})`],
  ['create latency p50 / p99 / max, ms', (s) => `${fmt(percentile(s.latencies, 50))} / ${fmt(percentile(s.latencies, 99))} / ${fmt(Math.max(...s.latencies))}`],
  ['CPU meanwhile: tenant / Litestream, s', (s) => `${fmt(s.tenantCpuS)} / ${fmt(s.replication?.litestreamCpuS)}`],
  ['replica settled after the last write, s', (s) => fmt(s.replication?.lagS)],
  ['replica (WAL segments, LZ4), MiB (x data.db)', (s) => (s.replication ? `${mib(s.replication.replicaBytes)} (${fmt(s.replication.replicaBytes / s.dbBytes, 2)}x)` : '—')],
  ['Litestream\'s shadow WAL beside the instance, MiB', (s) => mib(s.replication?.metaBytes)],
];

const RESTORE_ROWS: Array<[string, (r: PitrResult) => string]> = [
  ['replica when the restore began, MiB (snapshots)', (r) => `${mib(r.replicaBytes)} (${r.snapshots})`],
  ['stop (tenant closes, Litestream\'s final sync), s', (r) => fmt(r.stopS)],
  ['undo archive of the current data, s', (r) => `${fmt(r.undoS)} (${mib(r.undoBytes)} MiB)`],
  ['**Litestream restore to the moment** (`restoreAt`), s', (r) => `**${fmt(r.restoreAtS)}**`],
  ['&nbsp;&nbsp;MiB/s of the restored data.db', (r) => `${fmt(r.restoredBytes / MiB / r.restoreAtS)} (${mib(r.restoredBytes)} MiB)`],
  ['archive of it with today\'s files (checked), s', (r) => `${fmt(r.archiveS)} (${mib(r.zipBytes)} MiB zip)`],
  ['swap into the stopped instance (`runtime.restore`), s', (r) => fmt(r.swapS)],
  ['start until the restored data is served, s', (r) => fmt(r.startS)],
  ['**total in place** (stop → restored data served), s', (r) => `**${fmt(r.totalS)}**`],
  ['&nbsp;&nbsp;without stop and undo (restore-as-new does these steps), s', (r) => fmt(r.restoreAtS + r.archiveS + r.swapS + r.startS)],
  ['restored data', (r) => r.check],
];

function render(results: Results, plan: Plan): string {
  const command = ['TSX_TSCONFIG_PATH=tsconfig.tsx.json node --import tsx bench/backups/pitr.ts', ...process.argv.slice(2)].join(' ');
  const snap = results.snapshot;
  const snapRows: Array<[string, string]> = snap
    ? [
        ['snapshot of the restored database, s after the start (MiB)', `${fmt(snap.seconds)} (${mib(snap.bytes)})`],
        ['writer meanwhile: writes, p50 / p99 / max ms, failed', `${snap.writes.length}, ${fmt(percentile(snap.writes, 50))} / ${fmt(percentile(snap.writes, 99))} / ${fmt(Math.max(...snap.writes))}, ${snap.failedWrites}`],
        ['replica after it, MiB', mib(snap.replicaBytes)],
      ]
    : [];
  const restores = [results.fromWal, results.fromSnapshot];
  return [
    '# Point-in-time restore results',
    '',
    `\`${command}\` on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}. ` +
      `${plan.rowKiB} KiB rows of base64 of random bytes up to ${plan.sizeMiB} MiB, written through the tenant's API ${plan.concurrency} at a time while Litestream replicated to a directory (sync every 1 s).`,
    '',
    '| writing through the API | continuous backup off | on |',
    '|---|---:|---:|',
    ...SEED_ROWS.map(([label, value]) => `| ${label} | ${[results.seedOff, results.seed].map((r) => (r ? value(r) : '—')).join(' | ')} |`),
    '',
    '| continuous backup after a restore | |',
    '|---|---:|',
    ...snapRows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
    '| point-in-time restore, in place | from WAL (generation began empty) | from a snapshot |',
    '|---|---:|---:|',
    ...RESTORE_ROWS.map(([label, value]) => `| ${label} | ${restores.map((r) => (r ? value(r) : '—')).join(' | ')} |`),
    '',
    ...(results.notes.length ? ['## Notes', '', ...results.notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
}

// ---------------------------------------------------------------- main

function parsePlan(): Plan {
  const { values } = parseArgs({
    options: {
      'size-mb': { type: 'string', default: '1024' },
      'row-kb': { type: 'string', default: '100' },
      concurrency: { type: 'string', default: '4' },
      'timeout-min': { type: 'string', default: '30' },
    },
  });
  const positive = (name: keyof typeof values) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  return { sizeMiB: positive('size-mb'), rowKiB: positive('row-kb'), concurrency: positive('concurrency'), timeoutMinutes: positive('timeout-min') };
}

async function main(): Promise<void> {
  const plan = parsePlan();
  const root = mkdtempSync(join(tmpdir(), 'burrow-bench-pitr-'));
  // The bench's own children only: tenants (with their Litestream), backup commands, restores.
  const watchdog = armWatchdog('bench/backups/pitr', plan.timeoutMinutes, () => {
    for (const pid of descendants(process.pid)) killTree(pid);
    rmSync(root, { recursive: true, force: true });
  });
  const runtime = new ProcessRuntime({ rootDir: join(root, 'instances'), tenantBin: TENANT_BIN, graceMs: STOP_GRACE_MS, healthTimeoutMs: 60_000 });
  const results: Results = { notes: [] };
  const t0 = performance.now();
  try {
    await run(root, runtime, plan, results);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stdout.write(`failed: ${message}\n`);
    results.notes.push(`failed: ${message.split('\n')[0]}`);
  } finally {
    for (const instance of await runtime.list().catch(() => [])) await runtime.stop(instance.id).catch(() => undefined);
    await runtime.close();
    rmSync(root, { recursive: true, force: true });
    clearTimeout(watchdog);
  }
  process.stdout.write(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  const text = render(results, plan);
  writeFileSync(RESULTS_PATH, text);
  process.stdout.write(`\n${text}\nwritten to ${RESULTS_PATH}\n`);
  const wrong = [results.fromWal, results.fromSnapshot].some((r) => r?.check.startsWith('WRONG'));
  if (results.notes.some((n) => n.startsWith('failed')) || wrong) process.exitCode = 1;
}

await main();
