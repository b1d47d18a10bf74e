/**
 * Backups (issue 6): backup of a large database (MiB/s, and the latency of a writer that keeps
 * writing meanwhile) and restore time of that backup, the tenant side by side with PocketBase.
 *
 *   TSX_TSCONFIG_PATH=tsconfig.tsx.json node --import tsx bench/backups/run.ts [--target tenant|pocketbase|both]
 *        [--size-mb 1024] [--row-kb 100] [--baseline-s 5] [--timeout-min 15]
 *
 * One target after the other (2 cores: the two servers never run together), each in its own temp
 * dir, removed at the end (also on failure, and by the watchdog):
 *  1. start the server once and create, as the superuser through the official SDK, `blobs` (text
 *     `payload`) and `writes` (text `title`); stop it (our own `dir`, so the data stays);
 *  2. seed `blobs` straight into `data.db` with better-sqlite3 (the API would take minutes) until
 *     the payloads reach `--size-mb` MiB: `--row-kb` KiB rows of base64 of random bytes, so the
 *     archive's deflate has real work and the zip stays ~75% of the data; 64 MiB transactions,
 *     then a WAL checkpoint so that data.db holds it all;
 *  3. start the server again on that dir; a writer creates small `writes` records one after the
 *     other as fast as it can (sequential SDK calls, each timed): 3 s of warm-up (dropped),
 *     `--baseline-s` seconds alone, then on during `pb.backups.create('bench.zip')` until it
 *     answers. MiB/s = data.db size / wall time of that create request;
 *  4. one more `writes` record (the marker: it is not in the backup), then
 *     `pb.backups.restore('bench.zip')`; timed until the marker answers 404 (restored data is
 *     served), with `/api/health` polled meanwhile to find the longest wait for an answer before
 *     and after the restore request answered (the tenant prepares first, then switches);
 *  5. checks the restored data: every blob, no marker, and a `writes` count between the writes
 *     finished before the backup started and all writes made.
 * PocketBase's restore re-executes its own process (execve: same pid, same port), so its
 * process handle stays usable. Results go to bench/backups/results.md.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import PocketBase, { ClientResponseError } from 'pocketbase';
import { DEFAULT_SUPERUSER, POCKETBASE_BIN, REPO_ROOT, startPocketBase, startTenant, type ServerHandle } from '../../apps/tenant/test/support/processes.js';
import { BLOBS, blobId, MiB, randomPayload, WRITES } from './blobs.js';
import { armWatchdog, descendants, killTree } from './processes.js';

const RESULTS_PATH = fileURLToPath(new URL('./results.md', import.meta.url));
const BACKUP_NAME = 'bench.zip';
/** Seed transactions of about this many bytes: few commits, a WAL that stays bounded. */
const SEED_TX_BYTES = 64 * MiB;
/**
 * Writes of the first seconds are dropped: right after start the server's code is still being
 * compiled (a 2 s window from start measured p50 1.3 ms, one after 3 s 0.6 ms).
 */
const WRITER_WARMUP_MS = 3_000;
/**
 * A write slower than this counts as stalled. p99 alone hides a stall: one blocked write among
 * thousands of quick ones is a single sample, while every client writing then would wait.
 */
const STALL_MS = 100;
const POLL_INTERVAL_MS = 20;
const POLL_TIMEOUT_MS = 2_000;
/** A 1 GiB restore takes 10-20 s on the 2-core VM. */
const RESTORE_TIMEOUT_MS = 2 * 60_000;
/** Above the 30 s default: room for a server opening a 1 GiB database on a busy VM. */
const READY_TIMEOUT_MS = 60_000;

type Target = 'tenant' | 'pocketbase';

interface Plan {
  sizeMiB: number;
  rowKiB: number;
  baselineSeconds: number;
  timeoutMinutes: number;
}

/** One timed write: performance.now() at start and end. */
interface WriteSample {
  start: number;
  end: number;
  ok: boolean;
}

interface SeedResult {
  rows: number;
  seconds: number;
  dbBytes: number;
}

interface BackupResult {
  seconds: number;
  zipBytes: number;
  /** Tenant only: when the archive's .part file appeared (snapshots taken and checked), s. */
  snapshotSeconds?: number;
  baseline: number[];
  baselineSeconds: number;
  during: number[];
  duringErrors: number;
  /** Time the writer spent in writes slower than STALL_MS within the backup window, s. */
  stalledSeconds: number;
  /** Tenant only: the part of stalledSeconds before the .part file appeared (snapshot phase), s. */
  stalledSnapshotSeconds?: number;
  /** Writes that finished before the backup started: the backup must hold at least these. */
  writesBefore: number;
  /** All writes that succeeded: the backup can hold at most these. */
  writesTotal: number;
}

interface RestoreResult {
  /** Until the restore request answered, s. */
  answerSeconds: number;
  /** Until the marker answered 404 (the restored data is served), s. */
  restoredSeconds: number;
  /** Longest time without a /api/health answer until the restore request answered, ms. */
  gapBeforeAnswerMs: number;
  /** The same from the answer until the restored data is served, ms. */
  gapAfterAnswerMs: number;
  check: string;
}

interface TargetResult {
  target: Target;
  seed?: SeedResult;
  backup?: BackupResult;
  restore?: RestoreResult;
  notes: string[];
}

/** What the watchdog must kill and remove if the run hangs. */
interface Running {
  servers: Set<ServerHandle>;
  roots: Set<string>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const fmt = (v: number | undefined, digits = 1) => (v !== undefined && Number.isFinite(v) ? v.toFixed(digits) : '—');
/** An error's message with its cause's (fetch says only "fetch failed"; the cause says why). */
function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `${(err.cause as NodeJS.ErrnoException).code ?? err.cause.name}: ${err.cause.message}` : undefined;
  return cause ? `${err.message} (${cause})` : err.message;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// ---------------------------------------------------------------- servers

/** Starts one server kind on `dir` (ours, so stop() keeps the data). */
function start(target: Target, dir: string): Promise<ServerHandle> {
  const opts = { dir, readyTimeoutMs: READY_TIMEOUT_MS };
  return target === 'tenant' ? startTenant(opts) : startPocketBase(opts);
}

async function login(url: string): Promise<PocketBase> {
  const pb = new PocketBase(url);
  pb.autoCancellation(false);
  await pb.collection('_superusers').authWithPassword(DEFAULT_SUPERUSER.email, DEFAULT_SUPERUSER.password);
  return pb;
}

/** Superuser-only collections (null rules): the bench's calls are all superuser calls. */
async function createCollections(pb: PocketBase): Promise<void> {
  await pb.collections.create({ name: BLOBS, type: 'base', fields: [{ name: 'payload', type: 'text' }] });
  await pb.collections.create({ name: WRITES, type: 'base', fields: [{ name: 'title', type: 'text' }] });
}

// ---------------------------------------------------------------- seeding

interface Column {
  name: string;
  notnull: number;
  dflt_value: string | null;
}

/** Fails early, with the schema, if the table needs a value the seed does not give. */
function checkColumns(db: Database.Database): void {
  const columns = db.pragma(`table_info(${BLOBS})`) as Column[];
  if (!columns.some((c) => c.name === 'payload')) throw new Error(`${BLOBS} has no payload column: ${JSON.stringify(columns)}`);
  const missing = columns.filter((c) => c.notnull && c.dflt_value === null && c.name !== 'id' && c.name !== 'payload');
  if (missing.length > 0) throw new Error(`${BLOBS} needs values for ${missing.map((c) => c.name).join(', ')}`);
}

/** Inserts random base64 rows of `rowBytes` chars until `totalBytes`, with the server stopped. */
function seedBlobs(dbPath: string, totalBytes: number, rowBytes: number): SeedResult {
  const t0 = performance.now();
  const rows = Math.ceil(totalBytes / rowBytes);
  const perTx = Math.max(1, Math.floor(SEED_TX_BYTES / rowBytes));
  const db = new Database(dbPath, { fileMustExist: true });
  try {
    // A crash mid-seed only fails this run; fsyncs would just slow the seed down.
    db.pragma('synchronous = OFF');
    checkColumns(db);
    const insert = db.prepare(`INSERT INTO ${BLOBS} (id, payload) VALUES (?, ?)`);
    const insertRange = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) insert.run(blobId(i), randomPayload(rowBytes));
    });
    for (let from = 0; from < rows; from += perTx) insertRange(from, Math.min(rows, from + perTx));
    // Everything in data.db itself, so its size is what a backup has to read.
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return { rows, seconds: (performance.now() - t0) / 1000, dbBytes: statSync(dbPath).size };
}

// ---------------------------------------------------------------- writer

interface Writer {
  samples: WriteSample[];
  stop(): Promise<void>;
}

/** Creates small records one after the other until stopped, timing each call. */
function startWriter(pb: PocketBase): Writer {
  const samples: WriteSample[] = [];
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n++) {
      const start = performance.now();
      let ok = true;
      try {
        await pb.collection(WRITES).create({ title: `w${n}` });
      } catch {
        ok = false;
      }
      samples.push({ start, end: performance.now(), ok });
      if (!ok) await sleep(10); // a failing server is not hammered in a tight loop
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

// ---------------------------------------------------------------- backup

/**
 * Watches for the tenant's temporary archive in backups/ (`bench.zip.part`, or
 * `bench.zip.<pid>.part`): it is opened once both snapshots passed their integrity check.
 */
function watchPartFile(dir: string): { appearedAt(): number | undefined; stop(): void } {
  const backups = join(dir, 'backups');
  const isPart = (name: string) => name.startsWith(`${BACKUP_NAME}.`) && name.endsWith('.part');
  let at: number | undefined;
  const timer = setInterval(() => {
    if (at === undefined && existsSync(backups) && readdirSync(backups).some(isPart)) at = performance.now();
  }, 50);
  return { appearedAt: () => at, stop: () => clearInterval(timer) };
}

/** Seconds within [from, to] spent in writes slower than STALL_MS (each clipped to the window). */
function stalledIn(samples: WriteSample[], from: number, to: number): number {
  const slow = samples.filter((s) => s.end - s.start > STALL_MS && s.end > from && s.start < to);
  return slow.reduce((sum, s) => sum + Math.min(s.end, to) - Math.max(s.start, from), 0) / 1000;
}

/**
 * Why the last /api/backups request failed, from the request log (a 400 answer only says
 * "Failed to create backup."; the log entry keeps the cause). The log is written in batches,
 * so it is read for a few seconds.
 */
async function failureDetails(pb: PocketBase): Promise<string> {
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      const logs = await pb.logs.getList(1, 1, { filter: `data.url ~ '/api/backups' && data.status >= 400`, sort: '-created' });
      const data = logs.items[0]?.data as { details?: unknown; error?: unknown } | undefined;
      if (data) return `logged: ${JSON.stringify(data.details ?? data.error ?? data)}`;
    } catch (err) {
      return `request log unreadable: ${errorText(err)}`;
    }
    await sleep(500);
  }
  return 'no request log entry';
}

async function zipSize(pb: PocketBase): Promise<number> {
  const list = await pb.backups.getFullList();
  return list.find((b) => b.key === BACKUP_NAME)?.size ?? Number.NaN;
}

async function backupPhase(target: Target, pb: PocketBase, dir: string, plan: Plan): Promise<BackupResult> {
  const writer = startWriter(pb);
  await sleep(WRITER_WARMUP_MS);
  const baselineFrom = performance.now();
  await sleep(plan.baselineSeconds * 1000);
  const t0 = performance.now();
  const part = watchPartFile(dir);
  try {
    await pb.backups.create(BACKUP_NAME);
  } catch (err) {
    throw new Error(`backup create: ${errorText(err)} (${await failureDetails(pb)})`);
  } finally {
    part.stop();
    await writer.stop();
  }
  const t1 = performance.now();
  const ok = writer.samples.filter((s) => s.ok);
  // A write belongs to the backup window if any part of it overlaps the create request.
  const overlapping = writer.samples.filter((s) => s.end > t0 && s.start < t1);
  const partAt = part.appearedAt();
  const result: BackupResult = {
    seconds: (t1 - t0) / 1000,
    zipBytes: await zipSize(pb),
    snapshotSeconds: partAt === undefined ? undefined : (partAt - t0) / 1000,
    baseline: ok.filter((s) => s.start >= baselineFrom && s.end <= t0).map((s) => s.end - s.start),
    baselineSeconds: (t0 - baselineFrom) / 1000,
    during: overlapping.filter((s) => s.ok).map((s) => s.end - s.start),
    duringErrors: overlapping.filter((s) => !s.ok).length,
    stalledSeconds: stalledIn(writer.samples, t0, t1),
    stalledSnapshotSeconds: partAt === undefined ? undefined : stalledIn(writer.samples, t0, partAt),
    writesBefore: ok.filter((s) => s.end <= t0).length,
    writesTotal: ok.length,
  };
  process.stdout.write(
    `[${target}] backup: ${result.seconds.toFixed(1)} s, zip ${(result.zipBytes / MiB).toFixed(0)} MiB; writer before p50 ${percentile(result.baseline, 50).toFixed(1)} / p99 ${percentile(result.baseline, 99).toFixed(1)} ms, ` +
      `during ${result.during.length} writes p50 ${percentile(result.during, 50).toFixed(1)} / p99 ${percentile(result.during, 99).toFixed(1)} / max ${Math.max(...result.during).toFixed(1)} ms, ` +
      `${result.stalledSeconds.toFixed(1)} s in writes > ${STALL_MS} ms (${fmt(result.stalledSnapshotSeconds)} s of them during the snapshots)\n`,
  );
  return result;
}

// ---------------------------------------------------------------- restore

/** Polls /api/health one request at a time; resolves to the times of the answers (200). */
function pollHealth(url: string): { stop(): Promise<number[]> } {
  let running = true;
  const answers: number[] = [];
  const loop = (async () => {
    while (running) {
      try {
        const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(POLL_TIMEOUT_MS) });
        await res.arrayBuffer();
        if (res.ok) answers.push(performance.now());
      } catch {
        // refused while the server swaps, or no answer in time while it is busy: a gap
      }
      await sleep(POLL_INTERVAL_MS);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return answers;
    },
  };
}

/** The longest time within [from, to] without an answer (a gap across a bound is cut there). */
function longestGap(answers: number[], from: number, to: number): number {
  const points = [from, ...answers.filter((at) => at > from && at < to), to];
  return Math.max(...points.slice(1).map((at, i) => at - points[i]));
}

/** Waits until the marker (created after the backup) answers 404: the restored data is served. */
async function waitForRestoredData(pb: PocketBase, markerId: string, pid: number): Promise<void> {
  const url = `${pb.baseURL}/api/collections/${WRITES}/records/${markerId}`;
  const deadline = performance.now() + RESTORE_TIMEOUT_MS;
  // How often each outcome was seen: a hang is told apart from a refusal or the old data.
  const outcomes = new Map<string, number>();
  while (performance.now() < deadline) {
    let outcome: string;
    try {
      const res = await fetch(url, { headers: { authorization: pb.authStore.token }, signal: AbortSignal.timeout(POLL_TIMEOUT_MS) });
      await res.arrayBuffer();
      if (res.status === 404) return;
      outcome = `marker answered ${res.status}`;
    } catch (err) {
      outcome = errorText(err);
    }
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    await sleep(POLL_INTERVAL_MS);
  }
  const seen = [...outcomes].map(([what, n]) => `${n}x ${what}`).join('; ');
  throw new Error(`the restored data was not served within ${RESTORE_TIMEOUT_MS / 1000} s; polls: ${seen}; server: ${processState(pid)}`);
}

/** A hung server's state from /proc: alive, CPU seconds used, listening sockets, children. */
function processState(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name: state is the 1st, utime/stime the 12th/13th (clock ticks).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / 100;
    const children = descendants(pid);
    return `pid ${pid} state ${fields[0]}, ${cpuSeconds.toFixed(1)} s CPU, ${listeningPorts(pid)}, children [${children.join(', ')}]`;
  } catch {
    return `pid ${pid} is gone`;
  }
}

/** The TCP ports a process listens on (socket inodes of its fds matched in /proc/net/tcp). */
function listeningPorts(pid: number): string {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports = readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1).map((line) => line.trim().split(/\s+/))
    // st 0A = LISTEN; local address is hex ip:port, the inode the 10th field.
    .filter((f) => f[3] === '0A' && inodes.has(f[9])).map((f) => parseInt(f[1].split(':')[1], 16));
  return ports.length ? `listening on ${ports.join(', ')}` : 'listening on no TCP port';
}

/** Counts a collection's records (ids only, so the 100 KiB payloads are not read). */
async function count(pb: PocketBase, collection: string): Promise<number> {
  return (await pb.collection(collection).getList(1, 1, { fields: 'id' })).totalItems;
}

/** Checks the restored data against what the backup must hold; a readable verdict. */
async function checkRestored(pb: PocketBase, seed: SeedResult, backup: BackupResult, markerId: string): Promise<string> {
  const problems: string[] = [];
  const blobs = await count(pb, BLOBS);
  if (blobs !== seed.rows) problems.push(`${blobs} blobs, expected ${seed.rows}`);
  const writes = await count(pb, WRITES);
  if (writes < backup.writesBefore || writes > backup.writesTotal) problems.push(`${writes} writes, expected ${backup.writesBefore}-${backup.writesTotal}`);
  try {
    await pb.collection(WRITES).getOne(markerId);
    problems.push('the marker created after the backup is still there');
  } catch (err) {
    if (!(err instanceof ClientResponseError && err.status === 404)) throw err;
  }
  const summary = `${blobs} blobs, ${writes} writes (backup window ${backup.writesBefore}-${backup.writesTotal})`;
  return problems.length === 0 ? `ok: ${summary}` : `WRONG: ${problems.join('; ')}`;
}

async function restorePhase(target: Target, pb: PocketBase, pid: number, seed: SeedResult, backup: BackupResult): Promise<RestoreResult> {
  const marker = await pb.collection(WRITES).create<{ id: string }>({ title: 'after-backup' });
  const health = pollHealth(pb.baseURL);
  const t0 = performance.now();
  let answered = Number.NaN;
  let answers: number[] = [];
  try {
    await pb.backups.restore(BACKUP_NAME);
    answered = performance.now();
    await waitForRestoredData(pb, marker.id, pid);
  } finally {
    answers = await health.stop();
  }
  const restored = performance.now();
  const check = await checkRestored(pb, seed, backup, marker.id);
  const result: RestoreResult = {
    answerSeconds: (answered - t0) / 1000,
    restoredSeconds: (restored - t0) / 1000,
    gapBeforeAnswerMs: longestGap(answers, t0, answered),
    gapAfterAnswerMs: longestGap(answers, answered, restored),
    check,
  };
  process.stdout.write(
    `[${target}] restore: answered after ${result.answerSeconds.toFixed(1)} s, restored data served after ${result.restoredSeconds.toFixed(1)} s, ` +
      `longest /api/health wait ${result.gapBeforeAnswerMs.toFixed(0)} ms before the answer, ${result.gapAfterAnswerMs.toFixed(0)} ms after; ${check}\n`,
  );
  return result;
}

// ---------------------------------------------------------------- one target

/** The data dir inside `root`: PocketBase wants it one level down (pb_hooks would sit beside it). */
function dataDir(target: Target, root: string): string {
  const dir = target === 'tenant' ? join(root, 'data') : join(root, 'pb_data');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs `fn` with a started server, stopping it after (also on failure). */
async function withServer<T>(target: Target, dir: string, running: Running, fn: (server: ServerHandle) => Promise<T>): Promise<T> {
  const server = await start(target, dir);
  running.servers.add(server);
  try {
    return await fn(server);
  } catch (err) {
    // What the server printed last often says more than the API's answer did.
    throw new Error(`${errorText(err)}\n--- ${target} output (tail) ---\n${server.output().slice(-3000)}`);
  } finally {
    await server.stop();
    running.servers.delete(server);
  }
}

async function runTarget(target: Target, plan: Plan, running: Running, result: TargetResult): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), `burrow-bench-backups-${target}-`));
  running.roots.add(root);
  try {
    const dir = dataDir(target, root);
    await withServer(target, dir, running, async (server) => createCollections(await login(server.url)));
    process.stdout.write(`[${target}] seeding ${plan.sizeMiB} MiB...\n`);
    const seed = seedBlobs(join(dir, 'data.db'), plan.sizeMiB * MiB, plan.rowKiB * 1024);
    result.seed = seed;
    process.stdout.write(`[${target}] seeded ${seed.rows} rows in ${seed.seconds.toFixed(1)} s; data.db ${(seed.dbBytes / MiB).toFixed(0)} MiB\n`);
    await withServer(target, dir, running, async (server) => {
      const pb = await login(server.url);
      const backup = await backupPhase(target, pb, dir, plan);
      result.backup = backup;
      result.restore = await restorePhase(target, pb, server.pid, seed, backup);
      if (target === 'pocketbase' && !existsSync(`/proc/${server.pid}`)) result.notes.push('the PocketBase process handle was gone after the restore');
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
    running.roots.delete(root);
  }
}

// ---------------------------------------------------------------- report

/** The metric rows of the results table: a label and how to read the value from a result. */
const METRICS: Array<[string, (r: TargetResult) => string]> = [
  ['data.db, MiB (rows)', (r) => (r.seed ? `${fmt(r.seed.dbBytes / MiB, 0)} (${r.seed.rows})` : '—')],
  ['backup wall time, s', (r) => fmt(r.backup?.seconds)],
  ['backup throughput, MiB/s of data.db', (r) => (r.seed && r.backup ? fmt(r.seed.dbBytes / MiB / r.backup.seconds) : '—')],
  ['&nbsp;&nbsp;of which snapshots + integrity checks, s', (r) => fmt(r.backup?.snapshotSeconds)],
  ['zip, MiB', (r) => fmt(r.backup && r.backup.zipBytes / MiB, 0)],
  ['writer before the backup: writes/s', (r) => (r.backup ? fmt(r.backup.baseline.length / r.backup.baselineSeconds, 0) : '—')],
  ['writer before the backup: p50 / p99 ms', (r) => `${fmt(percentile(r.backup?.baseline ?? [], 50))} / ${fmt(percentile(r.backup?.baseline ?? [], 99))}`],
  ['writer during the backup: writes (writes/s)', (r) => (r.backup ? `${r.backup.during.length} (${fmt(r.backup.during.length / r.backup.seconds, 0)})` : '—')],
  ['writer during the backup: p50 / p99 / max ms', (r) => (r.backup ? `${fmt(percentile(r.backup.during, 50))} / ${fmt(percentile(r.backup.during, 99))} / ${fmt(Math.max(...r.backup.during))}` : '—')],
  [`writer during the backup: time in writes > ${STALL_MS} ms, s`, (r) => fmt(r.backup?.stalledSeconds)],
  ['&nbsp;&nbsp;of which during the snapshots, s', (r) => fmt(r.backup?.stalledSnapshotSeconds)],
  ['writer during the backup: failed writes', (r) => (r.backup ? String(r.backup.duringErrors) : '—')],
  ['restore request answered after, s', (r) => fmt(r.restore?.answerSeconds)],
  ['**restore time** (until the restored data is served), s', (r) => fmt(r.restore?.restoredSeconds)],
  ['longest wait for /api/health until the restore answered, ms', (r) => fmt(r.restore?.gapBeforeAnswerMs, 0)],
  ['longest wait for /api/health after it answered, ms', (r) => fmt(r.restore?.gapAfterAnswerMs, 0)],
  ['restored data', (r) => r.restore?.check ?? '—'],
];

function table(results: TargetResult[]): string {
  const name = (t: Target) => (t === 'tenant' ? 'tenant' : 'PocketBase');
  return [
    `| | ${results.map((r) => name(r.target)).join(' | ')} |`,
    `|---|${results.map(() => '---:').join('|')}|`,
    ...METRICS.map(([label, value]) => `| ${label} | ${results.map(value).join(' | ')} |`),
  ].join('\n');
}

/**
 * Which tenant code ran: bin/burrow-tenant.mjs runs the one-file bundle only while it is at least
 * as new as the last `tsc -b` (else dist/cli.js, which imports the libs' dist as they are now).
 */
function tenantCode(): string {
  const mtime = (rel: string) => (existsSync(join(REPO_ROOT, rel)) ? statSync(join(REPO_ROOT, rel)).mtimeMs : -1);
  const bundle = mtime('apps/tenant/dist/burrow-tenant.bundle.mjs') >= Math.max(mtime('apps/tenant/tsconfig.tsbuildinfo'), mtime('apps/tenant/dist/cli.js'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const dirty = git('status', '--porcelain', '--', 'apps/tenant', 'libs').split('\n').filter(Boolean).length;
  return `tenant code: ${bundle ? 'the bundle' : 'dist/cli.js (the bundle is older than the last tsc build)'} at ${git('rev-parse', '--short', 'HEAD')}` +
    (dirty ? ` with ${dirty} uncommitted changed files in apps/tenant or libs/` : '');
}

function render(results: TargetResult[], plan: Plan, code: string): string {
  const command = ['node --import tsx bench/backups/run.ts', ...process.argv.slice(2)].join(' ');
  const notes = results.flatMap((r) => r.notes.map((n) => `- ${r.target}: ${n}`));
  return [
    '# Backups results',
    '',
    `\`${command}\` on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}, ${code}. ` +
      `\`blobs\` seeded with ${plan.rowKiB} KiB rows of base64 of random bytes up to ${plan.sizeMiB} MiB of payload; the writer creates one small record at a time through the SDK ` +
      `(${plan.baselineSeconds} s alone after a 3 s warm-up, then during \`POST /api/backups\`); p50/p99/max per write, and the time spent in writes slower than ${STALL_MS} ms. ` +
      `Restore time runs from \`POST /api/backups/bench.zip/restore\` until a record created after the backup answers 404; \`/api/health\` is polled meanwhile (every ${POLL_INTERVAL_MS} ms).`,
    '',
    table(results),
    '',
    ...(notes.length ? ['## Notes', '', ...notes, ''] : []),
  ].join('\n');
}

// ---------------------------------------------------------------- main

function parsePlan(): { targets: Target[]; plan: Plan } {
  const { values } = parseArgs({
    options: {
      target: { type: 'string', default: 'both' },
      'size-mb': { type: 'string', default: '1024' },
      'row-kb': { type: 'string', default: '100' },
      'baseline-s': { type: 'string', default: '5' },
      'timeout-min': { type: 'string', default: '15' },
    },
  });
  const positive = (name: keyof typeof values) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  if (!['tenant', 'pocketbase', 'both'].includes(String(values.target))) throw new Error('--target must be tenant, pocketbase or both');
  const targets: Target[] = values.target === 'both' ? ['tenant', 'pocketbase'] : [values.target as Target];
  return { targets, plan: { sizeMiB: positive('size-mb'), rowKiB: positive('row-kb'), baselineSeconds: positive('baseline-s'), timeoutMinutes: positive('timeout-min') } };
}

/** Kills what we started and removes the temp dirs (each holds GiBs), synchronously. */
function abandon(running: Running): void {
  for (const s of running.servers) killTree(s.pid);
  for (const root of running.roots) rmSync(root, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const { targets, plan } = parsePlan();
  const running: Running = { servers: new Set(), roots: new Set() };
  const watchdog = armWatchdog('bench/backups', plan.timeoutMinutes, () => abandon(running));
  const results: TargetResult[] = [];
  // Read at the start; a build during the run can still change what later child processes load.
  const code = tenantCode();
  process.stdout.write(`${code}\n`);
  for (const target of targets) {
    if (target === 'pocketbase' && !existsSync(POCKETBASE_BIN)) {
      process.stdout.write(`[pocketbase] skipped: ${POCKETBASE_BIN} missing (npm test's bootstrap builds it)\n`);
      continue;
    }
    const result: TargetResult = { target, notes: [] };
    results.push(result);
    const t0 = performance.now();
    try {
      await runTarget(target, plan, running, result);
    } catch (err) {
      const message = errorText(err);
      process.stdout.write(`[${target}] failed: ${message}\n`);
      result.notes.push(`failed: ${message.split('\n')[0]}`);
    }
    process.stdout.write(`[${target}] done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  clearTimeout(watchdog);
  const text = render(results, plan, code);
  writeFileSync(RESULTS_PATH, text);
  process.stdout.write(`\n${text}\nwritten to ${RESULTS_PATH}\n`);
  if (results.some((r) => r.notes.some((n) => n.startsWith('failed')) || r.restore?.check.startsWith('WRONG'))) process.exitCode = 1;
}

await main();
