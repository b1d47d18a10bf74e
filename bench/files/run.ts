/**
 * Files (issue 5): upload and download throughput for 1 MiB and 50 MiB files, and thumb
 * generation time, the tenant side by side with the reference PocketBase binary.
 *
 *   TSX_TSCONFIG_PATH=tsconfig.tsx.json node --import tsx bench/files/run.ts [--target tenant|pocketbase|both]
 *        [--small 100] [--large 10] [--concurrency 4] [--thumb-records 10]
 *
 * Starts `burrow-tenant serve` (and/or PocketBase) on a temp dir, one after the other (2 cores:
 * the two servers never run together). As the superuser, through the official SDK, it creates a
 * public collection with a `doc` file field (60 MiB max) and an `img` image field with four
 * thumb sizes. Then, timed with a lean node:http client (a hand-built multipart body written
 * straight from one buffer, so the client's own cost stays small and identical for both servers):
 *  - uploads: `--small` 1 MiB files one after the other, then 4/3 as many at `--concurrency`;
 *    `--large` 50 MiB files one after the other, then 2 x `--concurrency` of them, `--concurrency`
 *    at a time;
 *  - downloads of those files (GET /api/files/..., whole body read), the same four modes;
 *  - thumbs: `--thumb-records` records per image kind (a 2000x1500 JPEG and PNG made with
 *    sharp); every size requested once (cold: generated) and again (warm: stored), and each
 *    cold answer's dimensions checked.
 * Last, one SDK upload per file size is downloaded again and compared byte for byte (untimed).
 * File contents are random bytes (incompressible), generated once. MiB/s = bytes / wall time of
 * the whole phase; p50/p99 per request. The server's VmRSS and VmHWM (peak) are read from
 * /proc between phases. Everything is bounded by a watchdog; results go to bench/files/results.md.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import PocketBase from 'pocketbase';
import sharp from 'sharp';
import { DEFAULT_SUPERUSER, POCKETBASE_BIN, startPocketBase, startTenant, type ServerHandle } from '../../apps/tenant/test/support/processes.js';

const RESULTS_PATH = fileURLToPath(new URL('./results.md', import.meta.url));
const MiB = 1024 * 1024;
const SMALL_BYTES = 1 * MiB;
const LARGE_BYTES = 50 * MiB;
/** The doc field's maxSize: room for the 50 MiB files. */
const DOC_MAX_SIZE = 60 * MiB;
const COLLECTION = 'bench_files';
const THUMB_SIZES = ['100x100', '300x0', '0x300', '200x200f'] as const;
const IMAGE_WIDTH = 2000;
const IMAGE_HEIGHT = 1500;
const REQUEST_TIMEOUT_MS = 60_000;
const WATCHDOG_MS = 6 * 60_000;

type Target = 'tenant' | 'pocketbase';
type Phase = 'upload' | 'download';
type ImageKind = 'jpeg' | 'png';

/** One throughput measurement (a phase, a file size, sequential or concurrent). */
interface Row {
  target: Target;
  phase: Phase;
  label: string;
  files: number;
  bytes: number;
  seconds: number;
  p50: number;
  p99: number;
  error?: string;
}

interface ThumbRow {
  target: Target;
  image: ImageKind;
  size: string;
  cold: number[];
  warm: number[];
  error?: string;
}

/** VmRSS / VmHWM in MiB at the points between phases. */
interface MemoryRow {
  target: Target;
  idle: number;
  afterSmallUploads: number;
  afterLargeUploads: number;
  peakUploads: number;
  afterDownloads: number;
  afterThumbs: number;
  peakEnd: number;
}

interface TargetResult {
  rows: Row[];
  thumbs: ThumbRow[];
  memory: MemoryRow;
  /** First thumb the server ever made (includes loading its image library), ms. */
  firstThumbMs?: number;
  notes: string[];
}

/** A stored file, as the create answer names it. */
interface StoredFile {
  collectionId: string;
  recordId: string;
  filename: string;
}

interface Plan {
  small: number;
  large: number;
  concurrency: number;
  thumbRecords: number;
}

interface Payloads {
  small: Buffer;
  large: Buffer;
  images: Record<ImageKind, Buffer>;
}

// ---------------------------------------------------------------- HTTP client

interface Answer {
  status: number;
  bytes: number;
  /** The body, only when asked to keep it. */
  body?: Buffer;
}

/** Sends one request and reads the whole answer; `keep` keeps the body (else only counts it). */
function send(agent: http.Agent, url: string, method: string, headers: http.OutgoingHttpHeaders, body: Buffer[], keep: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (keep) chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, body: keep ? Buffer.concat(chunks) : undefined }));
      res.on('error', reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`${method} ${url}: no answer in ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    for (const part of body) req.write(part);
    req.end();
  });
}

/**
 * POSTs one file as a multipart record create. The body is written as three pieces (head,
 * the shared payload buffer, tail) so the client never copies the 50 MiB.
 */
async function uploadFile(agent: http.Agent, baseUrl: string, field: string, payload: Buffer, filename: string, type: string): Promise<StoredFile> {
  const boundary = `----burrowbench${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const headers = { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + payload.length + tail.length };
  const answer = await send(agent, `${baseUrl}/api/collections/${COLLECTION}/records`, 'POST', headers, [head, payload, tail], true);
  const text = answer.body?.toString('utf8') ?? '';
  if (answer.status !== 200) throw new Error(`upload of ${payload.length} bytes answered ${answer.status}: ${text.slice(0, 300)}`);
  const record = JSON.parse(text) as { id: string; collectionId: string } & Record<string, unknown>;
  const filenameStored = record[field];
  if (typeof filenameStored !== 'string' || filenameStored === '') throw new Error(`upload answered 200 without a ${field} name: ${text.slice(0, 300)}`);
  return { collectionId: record.collectionId, recordId: record.id, filename: filenameStored };
}

function fileUrl(baseUrl: string, f: StoredFile, query = ''): string {
  return `${baseUrl}/api/files/${f.collectionId}/${f.recordId}/${encodeURIComponent(f.filename)}${query}`;
}

/** GETs a file, reads the whole body, and checks its length. */
async function downloadFile(agent: http.Agent, url: string, expectedBytes: number): Promise<void> {
  const answer = await send(agent, url, 'GET', {}, [], false);
  if (answer.status !== 200) throw new Error(`GET ${url} answered ${answer.status}`);
  if (answer.bytes !== expectedBytes) throw new Error(`GET ${url} sent ${answer.bytes} bytes, expected ${expectedBytes}`);
}

// ---------------------------------------------------------------- measuring

/** Runs `fn(i)` for i in [0, count) with at most `limit` at a time; returns each call's ms. */
async function timedPool(count: number, limit: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, count) }, async () => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      await fn(i);
      times.push(performance.now() - t0);
    }
  }));
  return times;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Times `count` calls of `fn` at `limit` at a time as one throughput row. */
async function measure(target: Target, phase: Phase, label: string, count: number, limit: number, fileBytes: number, fn: (i: number) => Promise<void>): Promise<Row> {
  const row: Row = { target, phase, label, files: count, bytes: count * fileBytes, seconds: Number.NaN, p50: Number.NaN, p99: Number.NaN };
  const t0 = performance.now();
  try {
    const times = await timedPool(count, limit, fn);
    Object.assign(row, { seconds: (performance.now() - t0) / 1000, p50: percentile(times, 50), p99: percentile(times, 99) });
  } catch (err) {
    row.error = err instanceof Error ? err.message : String(err);
  }
  const mibs = row.bytes / MiB / row.seconds;
  process.stdout.write(`[${target}] ${phase} ${label}: ${row.error ? `failed: ${row.error}` : `${mibs.toFixed(1)} MiB/s, p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms`}\n`);
  return row;
}

/** VmRSS and VmHWM (the peak RSS since start) of a process, in MiB. */
function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kB = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) / 1024;
  return { rss: kB('VmRSS'), peak: kB('VmHWM') };
}

// ---------------------------------------------------------------- payloads

/**
 * A photo-like test image: smooth colour gradients with a little noise (from a fixed seed),
 * so JPEG and PNG both have real work to do and every run encodes the same pixels.
 */
async function makeImages(): Promise<Record<ImageKind, Buffer>> {
  const raw = Buffer.alloc(IMAGE_WIDTH * IMAGE_HEIGHT * 3);
  let seed = 42;
  const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24) % 24 - 12;
  for (let y = 0; y < IMAGE_HEIGHT; y++) {
    for (let x = 0; x < IMAGE_WIDTH; x++) {
      const o = (y * IMAGE_WIDTH + x) * 3;
      raw[o] = Math.max(0, Math.min(255, (x * 255) / IMAGE_WIDTH + noise()));
      raw[o + 1] = Math.max(0, Math.min(255, (y * 255) / IMAGE_HEIGHT + noise()));
      raw[o + 2] = Math.max(0, Math.min(255, 128 + 100 * Math.sin((x + y) / 80) + noise()));
    }
  }
  const image = () => sharp(raw, { raw: { width: IMAGE_WIDTH, height: IMAGE_HEIGHT, channels: 3 } });
  return { jpeg: await image().jpeg({ quality: 85 }).toBuffer(), png: await image().png().toBuffer() };
}

/** The dimensions a thumb of the 2000x1500 test image must have, by size. */
function expectedThumbSize(size: string): { width: number; height: number } {
  const [w, h] = size.replace(/[tbf]$/, '').split('x').map(Number);
  if (w === 0) return { width: Math.round((IMAGE_WIDTH * h) / IMAGE_HEIGHT), height: h };
  if (h === 0) return { width: w, height: Math.round((IMAGE_HEIGHT * w) / IMAGE_WIDTH) };
  if (size.endsWith('f')) {
    const scale = Math.min(w / IMAGE_WIDTH, h / IMAGE_HEIGHT, 1);
    return { width: Math.round(IMAGE_WIDTH * scale), height: Math.round(IMAGE_HEIGHT * scale) };
  }
  return { width: w, height: h };
}

// ---------------------------------------------------------------- phases

/** Creates the collection through the SDK as the superuser. */
async function setUp(url: string): Promise<PocketBase> {
  const pb = new PocketBase(url);
  pb.autoCancellation(false);
  await pb.collection('_superusers').authWithPassword(DEFAULT_SUPERUSER.email, DEFAULT_SUPERUSER.password);
  await pb.collections.create({
    name: COLLECTION, type: 'base', listRule: '', viewRule: '', createRule: '',
    fields: [
      { name: 'doc', type: 'file', maxSelect: 1, maxSize: DOC_MAX_SIZE },
      { name: 'img', type: 'file', maxSelect: 1, maxSize: 20 * MiB, mimeTypes: ['image/jpeg', 'image/png'], thumbs: [...THUMB_SIZES] },
    ],
  });
  return pb;
}

/** One SDK upload per size, downloaded again and compared byte for byte (untimed). */
async function checkRoundTrip(pb: PocketBase, agent: http.Agent, payload: Buffer): Promise<void> {
  const form = new FormData();
  form.append('doc', new Blob([payload]), 'check.bin');
  const record = await pb.collection(COLLECTION).create<{ id: string; collectionId: string; doc: string }>(form);
  const url = fileUrl(pb.baseURL, { collectionId: record.collectionId, recordId: record.id, filename: record.doc });
  const answer = await send(agent, url, 'GET', {}, [], true);
  if (answer.status !== 200 || !answer.body?.equals(payload)) throw new Error(`round trip of ${payload.length} bytes: GET answered ${answer.status} with ${answer.bytes} bytes that ${answer.body?.equals(payload) ? 'match' : 'differ'}`);
}

// The concurrent rows move more files than the sequential ones so that they last about as long.
const smallConcurrentCount = (plan: Plan) => Math.ceil((plan.small * 4) / 3);
const largeConcurrentCount = (plan: Plan) => 2 * plan.concurrency;

interface Stored {
  small: StoredFile[];
  large: StoredFile[];
}

async function uploadPhase(target: Target, url: string, plan: Plan, payloads: Payloads, result: TargetResult, pid: number): Promise<Stored> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.concurrency });
  const stored: Stored = { small: [], large: [] };
  const up = (into: StoredFile[], payload: Buffer) => async () => {
    into.push(await uploadFile(agent, url, 'doc', payload, 'file.bin', 'application/octet-stream'));
  };
  const small = up(stored.small, payloads.small);
  const large = up(stored.large, payloads.large);
  result.rows.push(await measure(target, 'upload', '1 MiB, sequential', plan.small, 1, SMALL_BYTES, small));
  result.rows.push(await measure(target, 'upload', `1 MiB, ${plan.concurrency} at once`, smallConcurrentCount(plan), plan.concurrency, SMALL_BYTES, small));
  const afterSmall = memoryMiB(pid).rss;
  result.rows.push(await measure(target, 'upload', '50 MiB, sequential', plan.large, 1, LARGE_BYTES, large));
  result.rows.push(await measure(target, 'upload', `50 MiB, ${plan.concurrency} at once`, largeConcurrentCount(plan), plan.concurrency, LARGE_BYTES, large));
  const afterLarge = memoryMiB(pid);
  Object.assign(result.memory, { afterSmallUploads: afterSmall, afterLargeUploads: afterLarge.rss, peakUploads: afterLarge.peak });
  agent.destroy();
  return stored;
}

async function downloadPhase(target: Target, url: string, plan: Plan, stored: Stored, result: TargetResult): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.concurrency });
  const get = (files: StoredFile[], bytes: number) => (i: number) => downloadFile(agent, fileUrl(url, files[i % files.length]), bytes);
  if (stored.small.length > 0) {
    result.rows.push(await measure(target, 'download', '1 MiB, sequential', plan.small, 1, SMALL_BYTES, get(stored.small, SMALL_BYTES)));
    result.rows.push(await measure(target, 'download', `1 MiB, ${plan.concurrency} at once`, smallConcurrentCount(plan), plan.concurrency, SMALL_BYTES, get(stored.small, SMALL_BYTES)));
  }
  if (stored.large.length > 0) {
    result.rows.push(await measure(target, 'download', '50 MiB, sequential', plan.large, 1, LARGE_BYTES, get(stored.large, LARGE_BYTES)));
    result.rows.push(await measure(target, 'download', `50 MiB, ${plan.concurrency} at once`, largeConcurrentCount(plan), plan.concurrency, LARGE_BYTES, get(stored.large, LARGE_BYTES)));
  }
  agent.destroy();
}

/** GETs one thumb and returns the ms until its whole body arrived, and the body. */
async function timedThumb(agent: http.Agent, url: string): Promise<{ ms: number; body: Buffer }> {
  const t0 = performance.now();
  const answer = await send(agent, url, 'GET', {}, [], true);
  const ms = performance.now() - t0;
  if (answer.status !== 200 || !answer.body) throw new Error(`GET ${url} answered ${answer.status}`);
  return { ms, body: answer.body };
}

/** Checks a cold thumb is a real thumb (not the original served as a fallback). */
async function checkThumb(body: Buffer, size: string): Promise<string | undefined> {
  const meta = await sharp(body).metadata();
  const want = expectedThumbSize(size);
  if (meta.width === want.width && meta.height === want.height) return undefined;
  return `${size}: got ${meta.width}x${meta.height} (${body.length} bytes), expected ${want.width}x${want.height}`;
}

async function thumbPhase(target: Target, url: string, plan: Plan, payloads: Payloads, result: TargetResult): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  // Untimed first thumb: the tenant loads sharp on first use; that one-off is reported apart.
  const first = await uploadFile(agent, url, 'img', payloads.images.jpeg, 'warmup.jpg', 'image/jpeg');
  result.firstThumbMs = (await timedThumb(agent, fileUrl(url, first, '?thumb=100x100'))).ms;
  for (const kind of ['jpeg', 'png'] as const) {
    const rows = new Map(THUMB_SIZES.map((size) => [size, { target, image: kind, size, cold: [], warm: [] } as ThumbRow]));
    const records: StoredFile[] = [];
    for (let r = 0; r < plan.thumbRecords; r++) records.push(await uploadFile(agent, url, 'img', payloads.images[kind], `photo.${kind === 'jpeg' ? 'jpg' : 'png'}`, `image/${kind}`));
    for (const pass of ['cold', 'warm'] as const) {
      for (const record of records) {
        for (const size of THUMB_SIZES) {
          const row = rows.get(size)!;
          const { ms, body } = await timedThumb(agent, fileUrl(url, record, `?thumb=${size}`));
          row[pass].push(ms);
          if (pass === 'cold') row.error ??= await checkThumb(body, size);
        }
      }
    }
    for (const row of rows.values()) {
      process.stdout.write(`[${target}] thumb ${kind} ${row.size}: cold p50 ${percentile(row.cold, 50).toFixed(1)} ms, warm p50 ${percentile(row.warm, 50).toFixed(1)} ms${row.error ? ` (${row.error})` : ''}\n`);
      result.thumbs.push(row);
    }
  }
  agent.destroy();
}

/** Runs one phase; a failure becomes a note and the next phase still runs. */
async function step(result: TargetResult, name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const message = `${name}: ${err instanceof Error ? err.message : String(err)}`;
    result.notes.push(message);
    process.stdout.write(`  failed: ${message}\n`);
  }
}

function emptyResult(target: Target): TargetResult {
  const memory = { target, idle: NaN, afterSmallUploads: NaN, afterLargeUploads: NaN, peakUploads: NaN, afterDownloads: NaN, afterThumbs: NaN, peakEnd: NaN };
  return { rows: [], thumbs: [], memory, notes: [] };
}

async function runTarget(target: Target, plan: Plan, payloads: Payloads, running: Set<ServerHandle>): Promise<TargetResult> {
  const result = emptyResult(target);
  const server = target === 'tenant' ? await startTenant() : await startPocketBase();
  running.add(server);
  try {
    const pb = await setUp(server.url);
    const idle = memoryMiB(server.pid).rss;
    result.memory.idle = idle;
    let stored: Stored = { small: [], large: [] };
    await step(result, 'uploads', async () => { stored = await uploadPhase(target, server.url, plan, payloads, result, server.pid); });
    await step(result, 'downloads', () => downloadPhase(target, server.url, plan, stored, result));
    result.memory.afterDownloads = memoryMiB(server.pid).rss;
    await step(result, 'thumbs', () => thumbPhase(target, server.url, plan, payloads, result));
    const end = memoryMiB(server.pid);
    Object.assign(result.memory, { afterThumbs: end.rss, peakEnd: end.peak });
    // Last, so that the memory columns above only see the timed requests.
    const checkAgent = new http.Agent({ keepAlive: false });
    await step(result, 'round trip 1 MiB', () => checkRoundTrip(pb, checkAgent, payloads.small));
    await step(result, 'round trip 50 MiB', () => checkRoundTrip(pb, checkAgent, payloads.large));
    process.stdout.write(`[${target}] RSS MiB: idle ${idle.toFixed(1)}, after uploads ${result.memory.afterLargeUploads.toFixed(1)} (peak ${result.memory.peakUploads.toFixed(1)}), end ${end.rss.toFixed(1)} (peak ${end.peak.toFixed(1)})\n`);
  } finally {
    await server.stop();
    running.delete(server);
  }
  return result;
}

// ---------------------------------------------------------------- report

const fmt = (v: number | undefined, digits = 1) => (v !== undefined && Number.isFinite(v) ? v.toFixed(digits) : '—');
const mibPerSecond = (r: Row | undefined) => (r && !r.error ? r.bytes / MiB / r.seconds : Number.NaN);

function throughputTable(rows: Row[]): string {
  const keys = [...new Set(rows.map((r) => `${r.phase}|${r.label}`))];
  const lines = keys.map((key) => {
    const [phase, label] = key.split('|');
    const of = (t: Target) => rows.find((r) => r.target === t && r.phase === phase && r.label === label);
    const tenant = of('tenant');
    const pocketbase = of('pocketbase');
    const ratio = mibPerSecond(tenant) / mibPerSecond(pocketbase);
    const lat = (r: Row | undefined) => (r?.error ? 'failed' : `${fmt(r?.p50)} / ${fmt(r?.p99)}`);
    return `| ${phase} | ${label} | ${tenant?.files ?? pocketbase?.files ?? ''} | ${fmt(mibPerSecond(tenant))} | ${fmt(mibPerSecond(pocketbase))} | ${fmt(ratio, 2)}x | ${lat(tenant)} | ${lat(pocketbase)} |`;
  });
  return [
    '| phase | files | count | tenant MiB/s | PocketBase MiB/s | tenant/PB | tenant p50 / p99 ms | PocketBase p50 / p99 ms |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...lines,
  ].join('\n');
}

function thumbTable(rows: ThumbRow[]): string {
  const keys = [...new Set(rows.map((r) => `${r.image}|${r.size}`))];
  const lines = keys.map((key) => {
    const [image, size] = key.split('|');
    const of = (t: Target) => rows.find((r) => r.target === t && r.image === image && r.size === size);
    const cell = (r: ThumbRow | undefined) => `${fmt(percentile(r?.cold ?? [], 50))} | ${fmt(percentile(r?.warm ?? [], 50))}`;
    return `| ${image} | ${size} | ${cell(of('tenant'))} | ${cell(of('pocketbase'))} |`;
  });
  return [
    '| image | thumb | tenant cold p50 ms | tenant warm p50 ms | PocketBase cold p50 ms | PocketBase warm p50 ms |',
    '|---|---|---:|---:|---:|---:|',
    ...lines,
  ].join('\n');
}

function memoryTable(rows: MemoryRow[]): string {
  return [
    '| server | idle | after 1 MiB uploads | after 50 MiB uploads | peak through uploads | after downloads | after thumbs | peak overall |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((m) => `| ${m.target} | ${fmt(m.idle)} | ${fmt(m.afterSmallUploads)} | ${fmt(m.afterLargeUploads)} | ${fmt(m.peakUploads)} | ${fmt(m.afterDownloads)} | ${fmt(m.afterThumbs)} | ${fmt(m.peakEnd)} |`),
  ].join('\n');
}

function notesOf(results: Map<Target, TargetResult>): string[] {
  const notes: string[] = [];
  for (const [target, r] of results) {
    if (r.firstThumbMs !== undefined) notes.push(`${target}: first thumb after start (100x100 of the JPEG, untimed above) ${r.firstThumbMs.toFixed(1)} ms`);
    for (const row of r.rows) if (row.error) notes.push(`${target}: ${row.phase} ${row.label} failed: ${row.error}`);
    for (const row of r.thumbs) if (row.error) notes.push(`${target}: thumb ${row.image} ${row.error}`);
    for (const note of r.notes) notes.push(`${target}: ${note}`);
  }
  return notes;
}

function render(results: Map<Target, TargetResult>, plan: Plan, payloads: Payloads): string {
  const all = [...results.values()];
  const command = ['node --import tsx bench/files/run.ts', ...process.argv.slice(2)].join(' ');
  const notes = notesOf(results);
  return [
    '# Files results',
    '',
    `\`${command}\` on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}. ` +
      `Random file contents; MiB/s = bytes / wall time of the phase; ${plan.concurrency} at once = ${plan.concurrency} requests in flight on keep-alive connections. ` +
      `Test images ${IMAGE_WIDTH}x${IMAGE_HEIGHT}: JPEG ${(payloads.images.jpeg.length / 1024).toFixed(0)} KiB, PNG ${(payloads.images.png.length / 1024).toFixed(0)} KiB; ${plan.thumbRecords} records per image kind.`,
    '',
    '## Upload and download throughput',
    '',
    throughputTable(all.flatMap((r) => r.rows)),
    '',
    '## Thumbs (cold = first request, generated; warm = second request, stored)',
    '',
    thumbTable(all.flatMap((r) => r.thumbs)),
    '',
    '## Server memory, MiB (VmRSS; peak = VmHWM since the server started)',
    '',
    memoryTable(all.filter((r) => Number.isFinite(r.memory.idle)).map((r) => r.memory)),
    '',
    ...(notes.length ? ['## Notes', '', ...notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
}

// ---------------------------------------------------------------- main

function parsePlan(): { targets: Target[]; plan: Plan } {
  const { values } = parseArgs({
    options: {
      target: { type: 'string', default: 'both' },
      small: { type: 'string', default: '100' },
      large: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '4' },
      'thumb-records': { type: 'string', default: '10' },
    },
  });
  const positive = (v: string | undefined, name: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  if (!['tenant', 'pocketbase', 'both'].includes(String(values.target))) throw new Error('--target must be tenant, pocketbase or both');
  const targets: Target[] = values.target === 'both' ? ['tenant', 'pocketbase'] : [values.target as Target];
  const plan = { small: positive(values.small, 'small'), large: positive(values.large, 'large'), concurrency: positive(values.concurrency, 'concurrency'), thumbRecords: positive(values['thumb-records'], 'thumb-records') };
  return { targets, plan };
}

/** If anything hangs: kill our servers, remove their data dirs (hundreds of MiB), exit non-zero. */
function armWatchdog(running: Set<ServerHandle>): NodeJS.Timeout {
  const timer = setTimeout(() => {
    process.stderr.write(`bench/files exceeded ${WATCHDOG_MS / 1000} s; stopping\n`);
    for (const s of running) {
      process.kill(s.pid, 'SIGKILL');
      rmSync(s.dir, { recursive: true, force: true });
    }
    process.exit(2);
  }, WATCHDOG_MS);
  timer.unref();
  return timer;
}

async function main(): Promise<void> {
  const { targets, plan } = parsePlan();
  const running = new Set<ServerHandle>();
  const watchdog = armWatchdog(running);
  const payloads: Payloads = { small: randomBytes(SMALL_BYTES), large: randomBytes(LARGE_BYTES), images: await makeImages() };
  const results = new Map<Target, TargetResult>();
  for (const target of targets) {
    if (target === 'pocketbase' && !existsSync(POCKETBASE_BIN)) {
      process.stdout.write(`[pocketbase] skipped: ${POCKETBASE_BIN} missing (npm test's bootstrap builds it)\n`);
      continue;
    }
    const t0 = performance.now();
    try {
      results.set(target, await runTarget(target, plan, payloads, running));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      process.stdout.write(`[${target}] not run: ${message}\n`);
      results.set(target, { ...emptyResult(target), notes: [`not run: ${message.split('\n')[0]}`] });
    }
    process.stdout.write(`[${target}] done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  clearTimeout(watchdog);
  const text = render(results, plan, payloads);
  writeFileSync(RESULTS_PATH, text);
  process.stdout.write(`\n${text}\nwritten to ${RESULTS_PATH}\n`);
}

await main();
