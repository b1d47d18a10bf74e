/**
 * The steps of the point-in-time bench (pitr.ts): the instance under a ProcessRuntime with
 * continuous backup on, its data written through the tenant's API, the replica watched on disk,
 * and the platform's point-in-time restore (apps/worker/src/handlers/restore_handler.ts with
 * point_in_time.ts) replayed step by step, each step timed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { litestreamBinary, restoreAt, type FileReplicaTarget } from '@burrow/litestream';
import { ProcessRuntime, type InstanceId, type InstanceSpec } from '@burrow/runtime';
import PocketBase, { ClientResponseError } from 'pocketbase';
import { DEFAULT_SUPERUSER } from '../../apps/tenant/test/support/processes.js';
import { cpuMicros } from '../control/cpu.js';
import { BLOBS, blobId, randomPayload, WRITES } from './blobs.js';
import { descendants } from './processes.js';

/** The tenant CLI the runtime spawns (the bundle when it is fresh). */
export const TENANT_BIN = fileURLToPath(new URL('../../apps/tenant/bin/burrow-tenant.mjs', import.meta.url));
/** Litestream ships new WAL frames every second (the default sync interval). */
const SYNC_INTERVAL_MS = 1_000;
/** The replica counts as caught up once it has not changed for this long (well above a sync). */
const QUIET_MS = 3_000;
const POLL_MS = 100;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const seconds = (from: number, to = performance.now()) => (to - from) / 1000;

/** One instance with continuous backup to a directory, and what the bench needs to reach it. */
export interface Bench {
  runtime: ProcessRuntime;
  id: InstanceId;
  spec: InstanceSpec;
  target: FileReplicaTarget;
  /** The instance's data dir (the process driver's layout: `<root>/<id>/data`). */
  dataDir: string;
  /** Litestream's local state (shadow WAL): `<root>/<id>/runtime/litestream`. */
  metaDir: string;
  /** Scratch space for archives and restored databases. */
  workDir: string;
  litestream: string;
}

/** Builds one of the bench's instances under `root`, with or without continuous backup (nothing started). */
export function makeBench(root: string, runtime: ProcessRuntime, id: InstanceId, continuous: boolean): Bench {
  const target: FileReplicaTarget = { type: 'file', path: join(root, 'replica', id) };
  return {
    runtime,
    id,
    spec: continuous ? { id, env: {}, continuousBackup: { target } } : { id, env: {} },
    target,
    dataDir: join(root, 'instances', id, 'data'),
    metaDir: join(root, 'instances', id, 'runtime', 'litestream'),
    workDir: join(root, 'work'),
    litestream: litestreamBinary(),
  };
}

/** The superuser the bench logs in with, created in the data dir before the first start. */
export function upsertSuperuser(bench: Bench): void {
  execFileSync(process.execPath, [TENANT_BIN, 'superuser', 'upsert', DEFAULT_SUPERUSER.email, DEFAULT_SUPERUSER.password, '--dir', bench.dataDir], { stdio: 'ignore' });
}

/** Logs in as the superuser at the instance's endpoint. */
export async function login(url: string): Promise<PocketBase> {
  const pb = new PocketBase(url);
  pb.autoCancellation(false);
  await pb.collection('_superusers').authWithPassword(DEFAULT_SUPERUSER.email, DEFAULT_SUPERUSER.password);
  return pb;
}

/** `blobs` (text `payload`, long enough for a row) and `writes` (text `title`), superuser-only. */
export async function createCollections(pb: PocketBase, rowChars: number): Promise<void> {
  await pb.collections.create({ name: BLOBS, type: 'base', fields: [{ name: 'payload', type: 'text', max: rowChars }] });
  await pb.collections.create({ name: WRITES, type: 'base', fields: [{ name: 'title', type: 'text' }] });
}

// ---------------------------------------------------------------- disk and processes

/** Bytes of every file below `dir` (0 when it does not exist). */
export function dirBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    try {
      total += statSync(join(entry.parentPath, entry.name)).size;
    } catch {
      // removed meanwhile (Litestream's retention or a temp file)
    }
  }
  return total;
}

/** The replica's finished snapshot files (`generations/<id>/snapshots/<index>.snapshot.lz4`). */
export function snapshotFiles(target: FileReplicaTarget): string[] {
  const generations = join(target.path, 'generations');
  if (!existsSync(generations)) return [];
  return readdirSync(generations).flatMap((g) => {
    const dir = join(generations, g, 'snapshots');
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.snapshot.lz4')).map((f) => join(dir, f)) : [];
  });
}

/** The tenant's pid and its Litestream's (a child in its own process group). */
export async function processes(bench: Bench): Promise<{ tenant: number; litestream: number[] }> {
  const tenant = (await bench.runtime.status(bench.id)).pid ?? 0;
  const comm = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      return '';
    }
  };
  return { tenant, litestream: descendants(tenant).filter((pid) => comm(pid) === 'litestream') };
}

/** CPU seconds (user + system) of the processes. */
export const cpuSeconds = (pids: number[]): number => pids.reduce((sum, pid) => sum + cpuMicros(pid), 0) / 1e6;

/**
 * Waits until the replica stops changing (Litestream has shipped what was written); resolves
 * with the moment of its last change (performance.now()).
 */
export async function replicaSettled(target: FileReplicaTarget, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let last = dirBytes(target.path);
  let changedAt = performance.now();
  while (performance.now() - changedAt < QUIET_MS) {
    if (performance.now() > deadline) throw new Error(`the replica was still changing after ${timeoutMs / 1000} s`);
    await sleep(POLL_MS * 2);
    const now = dirBytes(target.path);
    if (now !== last) {
      last = now;
      changedAt = performance.now();
    }
  }
  return changedAt;
}

// ---------------------------------------------------------------- writing

/** What writing the data through the tenant took. */
export interface SeedResult {
  rows: number;
  seconds: number;
  /** Latency of each create, ms. */
  latencies: number[];
  tenantCpuS: number;
  payloadBytes: number;
  /** data.db and its WAL (continuous backup holds back checkpoints: part of the data may still be in the WAL). */
  dbBytes: number;
  /** With continuous backup on. */
  replication?: {
    litestreamCpuS: number;
    /** From the last write's answer until the replica stopped changing, s. */
    lagS: number;
    replicaBytes: number;
    /** Litestream's shadow WAL beside the instance, when the replica had caught up. */
    metaBytes: number;
  };
}

/** Creates `rows` blobs of `rowChars` chars through the API, `concurrency` requests at a time. */
export async function seedThroughApi(bench: Bench, pb: PocketBase, rows: number, rowChars: number, concurrency: number): Promise<SeedResult> {
  const pids = await processes(bench);
  const continuous = bench.spec.continuousBackup !== undefined;
  if (continuous !== pids.litestream.length > 0) throw new Error(`continuous backup is ${continuous ? 'on' : 'off'} but ${pids.litestream.length} litestream processes run beside the tenant`);
  const cpu0 = { tenant: cpuSeconds([pids.tenant]), litestream: cpuSeconds(pids.litestream) };
  const latencies: number[] = [];
  let next = 0;
  let lastPrint = performance.now();
  const t0 = performance.now();
  const client = async () => {
    for (let i = next++; i < rows; i = next++) {
      const payload = randomPayload(rowChars);
      const start = performance.now();
      await pb.collection(BLOBS).create({ id: blobId(i), payload }, { fields: 'id' });
      latencies.push(performance.now() - start);
      if (performance.now() - lastPrint > 10_000) {
        lastPrint = performance.now();
        process.stdout.write(`  ${latencies.length}/${rows} rows after ${seconds(t0).toFixed(0)} s\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const t1 = performance.now();
  const cpu1 = { tenant: cpuSeconds([pids.tenant]), litestream: cpuSeconds(pids.litestream) };
  const db = join(bench.dataDir, 'data.db');
  const dbBytes = statSync(db).size + (existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0);
  const result: SeedResult = { rows, seconds: seconds(t0, t1), latencies, tenantCpuS: cpu1.tenant - cpu0.tenant, payloadBytes: rows * rowChars, dbBytes };
  if (!continuous) return result;
  const settledAt = await replicaSettled(bench.target, 10 * 60_000);
  const replication = {
    litestreamCpuS: cpu1.litestream - cpu0.litestream,
    lagS: Math.max(0, seconds(t1, settledAt)),
    replicaBytes: dirBytes(bench.target.path),
    metaBytes: dirBytes(bench.metaDir),
  };
  return { ...result, replication };
}

/** Small records written one after the other until stopped, each timed (ms). */
export function startWriter(pb: PocketBase): { stop(): Promise<{ latencies: number[]; failed: number }> } {
  const latencies: number[] = [];
  let failed = 0;
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n++) {
      const start = performance.now();
      try {
        await pb.collection(WRITES).create({ title: `s${n}` }, { fields: 'id' });
        latencies.push(performance.now() - start);
      } catch {
        failed++;
        await sleep(10); // a failing server is not hammered in a tight loop
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { latencies, failed };
    },
  };
}

// ---------------------------------------------------------------- point-in-time restore

/** The moment to restore to, between a record that must come back and one that must not. */
export interface Moment {
  at: Date;
  keep: string;
  drop: string;
}

/**
 * Writes a record, waits until the replica has shipped it, takes the moment, then writes the
 * record the restore must drop (more than a sync interval later, so it is shipped after it).
 */
export async function chooseMoment(bench: Bench, pb: PocketBase, label: string): Promise<Moment> {
  const keep = await pb.collection(WRITES).create<{ id: string }>({ title: `${label}: before the moment` });
  await replicaSettled(bench.target, 60_000);
  const at = new Date();
  await sleep(SYNC_INTERVAL_MS + 500);
  const drop = await pb.collection(WRITES).create<{ id: string }>({ title: `${label}: after the moment` });
  return { at, keep: keep.id, drop: drop.id };
}

/** The timed steps of one point-in-time restore, in the worker's order. */
export interface PitrResult {
  /** runtime.stop: the tenant closes, Litestream's final sync. */
  stopS: number;
  /** The in-place restore's undo archive of the current data. */
  undoS: number;
  undoBytes: number;
  /** restoreAt: Litestream writes the database as of the moment into a scratch dir. */
  restoreAtS: number;
  restoredBytes: number;
  /** runtime.backup with databaseDir: the archive of that database with today's files (checked). */
  archiveS: number;
  zipBytes: number;
  /** runtime.restore: the archive checked, extracted and swapped into the stopped instance. */
  swapS: number;
  /** runtime.start until the restored data is served (the dropped record answers 404). */
  startS: number;
  totalS: number;
  /** The replica when the restore began: its size and snapshot count. */
  replicaBytes: number;
  snapshots: number;
  check: string;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await fn();
  return [value, seconds(t0)];
}

/**
 * Restores the instance in place to `moment` as the worker does: stop, undo archive, restoreAt,
 * archive with databaseDir, swap, start. Leaves it running on the restored data; `startedAt`
 * (epoch ms) is when it was started again, which is when Litestream begins a new generation
 * with a snapshot of the whole restored database.
 */
export async function restoreInPlace(bench: Bench, moment: Moment, label: string, expectedBlobs: number): Promise<{ result: PitrResult; pb: PocketBase; startedAt: number }> {
  const { runtime, id } = bench;
  const scratch = join(bench.workDir, `${label}-scratch`);
  const undo = join(bench.workDir, `${label}-undo.zip`);
  const archive = join(bench.workDir, `${label}-pitr.zip`);
  const replicaBytes = dirBytes(bench.target.path);
  const snapshots = snapshotFiles(bench.target).length;
  try {
    const t0 = performance.now();
    const [, stopS] = await timed(() => runtime.stop(id));
    const [undoOut, undoS] = await timed(() => runtime.backup(id, undo));
    const [, restoreAtS] = await timed(() => restoreAt(bench.litestream, bench.target, moment.at, join(scratch, 'data.db'), bench.workDir));
    const restoredBytes = statSync(join(scratch, 'data.db')).size;
    // stored, as the worker makes it (apps/worker/src/handlers/point_in_time.ts)
    const [zip, archiveS] = await timed(() => runtime.backup(id, archive, { databaseDir: scratch, store: true }));
    rmSync(scratch, { recursive: true, force: true });
    const [, swapS] = await timed(() => runtime.restore(id, archive));
    const tStart = performance.now();
    const startedAt = Date.now();
    const { url } = await runtime.start(bench.spec);
    const pb = await login(url);
    await expectMissing(pb, moment.drop);
    const tServed = performance.now();
    const check = await checkRestored(pb, moment, expectedBlobs);
    const result: PitrResult = {
      stopS, undoS, undoBytes: undoOut.size, restoreAtS, restoredBytes, archiveS, zipBytes: zip.size, swapS,
      startS: seconds(tStart, tServed), totalS: seconds(t0, tServed), replicaBytes, snapshots, check,
    };
    return { result, pb, startedAt };
  } finally {
    for (const path of [scratch, undo, archive]) rmSync(path, { recursive: true, force: true });
  }
}

async function expectMissing(pb: PocketBase, recordId: string): Promise<void> {
  try {
    await pb.collection(WRITES).getOne(recordId, { fields: 'id' });
    throw new Error(`record ${recordId}, written after the moment, is still served after the restore`);
  } catch (err) {
    if (!(err instanceof ClientResponseError && err.status === 404)) throw err;
  }
}

/** Every blob back, the record before the moment there, the one after it gone. */
async function checkRestored(pb: PocketBase, moment: Moment, expectedBlobs: number): Promise<string> {
  const problems: string[] = [];
  const blobs = (await pb.collection(BLOBS).getList(1, 1, { fields: 'id' })).totalItems;
  if (blobs !== expectedBlobs) problems.push(`${blobs} blobs, expected ${expectedBlobs}`);
  try {
    await pb.collection(WRITES).getOne(moment.keep, { fields: 'id' });
  } catch (err) {
    if (!(err instanceof ClientResponseError && err.status === 404)) throw err;
    problems.push('the record written before the moment is missing');
  }
  return problems.length === 0 ? `ok: ${blobs} blobs, the record before the moment kept, the one after it gone` : `WRONG: ${problems.join('; ')}`;
}
