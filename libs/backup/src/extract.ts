/**
 * Safe extraction and verification of backup archives. An archive is read twice: first its
 * central directory only (names, types, sizes, count), so a hostile archive (paths outside the
 * target, links, a zip bomb) is refused before a single byte is written; then its entries are
 * written. yauzl's `validateEntrySizes` makes each entry's data match the size its directory
 * declares, so the first pass's byte count bounds what the second one writes.
 */
import { createWriteStream, existsSync, mkdirSync, rmSync, statfsSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { checkDatabase, DB_FILES, type Progress } from './archive.js';
import { fsyncPath } from './durable.js';

/** Bounds on what extracting one archive may write. */
export interface ExtractLimits {
  /** Total uncompressed bytes of all entries. */
  maxBytes: number;
  /** Number of entries (files and directories). */
  maxEntries: number;
}

/** How an extraction is followed and bounded. */
export interface ExtractOptions {
  progress?: Progress;
  /** Limits replacing the defaults (see defaultExtractLimits); the free-space bound always applies. */
  limits?: Partial<ExtractLimits>;
  /** Stops the extraction (what was written is removed). */
  signal?: AbortSignal;
  /** Whether the databases and `dest` are fsynced (default true; a scratch copy that is checked and removed need not be). */
  durable?: boolean;
}

/**
 * How much larger than the archive its contents may be. Archives are deflate (level 1) over
 * SQLite pages and uploads (media are stored uncompressed): real ones expand 2 to 10 times, a
 * database of very repetitive text some 30 times, while deflate itself reaches about 1000 (a zip
 * bomb's ratio). 100 keeps every real backup restorable and bounds a bomb to 100 times what it
 * cost to upload.
 */
export const MAX_EXPANSION_RATIO = 100;
/** The byte limit is never below this, so a small archive of repetitive data is never refused. */
export const MIN_MAX_BYTES = 2 ** 30;
/**
 * Entries of one archive: a file or directory each (a record's uploads are a directory and its
 * files). A million restores an instance with several hundred thousand uploads while bounding
 * the inodes and the time one archive can take.
 */
export const DEFAULT_MAX_ENTRIES = 1_000_000;
/**
 * Disk space an extraction leaves free, whatever the limits allow: the instance's own database
 * and the other instances of the host keep writing to the same disk meanwhile.
 */
export const DISK_RESERVE_BYTES = 64 * 2 ** 20;

/** The default limits for an archive of `archiveSize` bytes. */
export function defaultExtractLimits(archiveSize: number): ExtractLimits {
  return { maxBytes: Math.max(MIN_MAX_BYTES, archiveSize * MAX_EXPANSION_RATIO), maxEntries: DEFAULT_MAX_ENTRIES };
}

/** An archive refused for what it holds (the message says why); other errors are I/O failures. */
class Refused extends Error {}

const size = (n: number): string => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`);

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((res, rej) => yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: true, validateEntrySizes: true }, (err, zip) => (err || !zip ? rej(err ?? new Error('cannot open zip')) : res(zip))));
}

/**
 * Calls `visit` on each entry in turn (the next one is read once its promise settles). A throw
 * in yauzl's callbacks would be uncaught: every failure goes through the returned promise.
 */
function forEachEntry(zip: yauzl.ZipFile, visit: (entry: yauzl.Entry) => Promise<void> | void): Promise<void> {
  return new Promise((res, rej) => {
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      rej(err);
    };
    zip.on('error', fail);
    zip.on('end', () => {
      if (!failed) res();
    });
    zip.on('entry', (entry: yauzl.Entry) => {
      Promise.resolve()
        .then(() => visit(entry))
        .then(() => {
          if (!failed) zip.readEntry();
        }, fail);
    });
    zip.readEntry();
  });
}

/** A name inside an archive that may be written under `dest`: relative, no `..`, no drive or NUL. */
export function safeEntryPath(dest: string, name: string): string | undefined {
  if (!name || name.includes('\0') || name.includes('\\') || name.startsWith('/') || /^[A-Za-z]:/.test(name)) return undefined;
  if (name.split('/').some((seg) => seg === '..')) return undefined;
  const root = resolve(dest);
  const target = resolve(root, name);
  return target.startsWith(root + sep) ? target : undefined;
}

// The target of an entry, or a refusal: only regular files and directories, never outside dest.
function entryTarget(dest: string, entry: yauzl.Entry): { target: string; isDir: boolean } {
  const name = entry.fileName;
  const isDir = name.endsWith('/');
  // Unix file type bits in the external attributes.
  const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
  if (mode !== 0 && mode !== 0o100000 && mode !== 0o040000) throw new Refused(`unsupported entry type in archive: ${name.slice(0, 200)}`);
  const target = safeEntryPath(dest, isDir ? name.slice(0, -1) : name);
  if (!target) throw new Refused(`unsafe path in archive: ${JSON.stringify(name.slice(0, 200))}`);
  return { target, isDir };
}

// Free bytes for an unprivileged writer on the filesystem holding `dir` (which exists).
function freeBytes(dir: string): number {
  const st = statfsSync(dir);
  return st.bavail * st.bsize;
}

/** Reads the central directory: refuses a bad archive before anything is written; returns its total size. */
async function plan(zip: yauzl.ZipFile, dest: string, limits: ExtractLimits): Promise<number> {
  if (zip.entryCount > limits.maxEntries) throw new Refused(`archive refused: it holds ${zip.entryCount} entries, more than the ${limits.maxEntries} allowed`);
  let total = 0;
  let sawData = false;
  await forEachEntry(zip, (entry) => {
    entryTarget(dest, entry);
    if (entry.fileName === 'data.db') sawData = true;
    total += entry.uncompressedSize;
    if (total > limits.maxBytes) throw new Refused(`archive refused: its contents are larger than the ${size(limits.maxBytes)} allowed for it`);
  });
  if (!sawData) throw new Refused('not a backup archive: data.db is missing at its root');
  const free = freeBytes(dest) - DISK_RESERVE_BYTES;
  if (total > free) throw new Refused(`not enough disk space to extract the archive: it needs ${size(total)}, ${size(Math.max(0, free))} can be used`);
  return total;
}

/**
 * Extracts an archive into `dest` (created), refusing any entry that would land outside it,
 * links, archives without `data.db` at the root, and archives beyond the limits (by default
 * 100 times the archive's size, at least 1 GiB, and a million entries; never more than the disk
 * has free). The databases are fsynced, and `dest` itself. Throws a readable Error on a bad
 * archive; a `dest` it created is removed on any failure.
 */
export async function extractArchive(path: string, dest: string, opts: ExtractOptions = {}): Promise<void> {
  const progress = opts.progress ?? (() => undefined);
  const created = !existsSync(dest);
  try {
    let archiveSize: number;
    try {
      archiveSize = statSync(path).size;
    } catch (err) {
      throw new Refused(`cannot read the archive: ${err instanceof Error ? err.message : String(err)}`);
    }
    const limits = { ...defaultExtractLimits(archiveSize), ...opts.limits };
    mkdirSync(dest, { recursive: true });
    const durable = opts.durable ?? true;
    await readTwice(path, dest, limits, progress, opts.signal, durable);
    if (durable) fsyncPath(dest);
  } catch (err) {
    if (created) rmSync(dest, { recursive: true, force: true });
    if (err instanceof Refused || opts.signal?.aborted) throw err;
    throw new Error(`not a valid backup archive: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function readTwice(path: string, dest: string, limits: ExtractLimits, progress: Progress, signal: AbortSignal | undefined, durable: boolean): Promise<void> {
  let total: number;
  let zip = await openZip(path).catch((err: unknown) => {
    throw new Refused(`not a valid zip archive: ${err instanceof Error ? err.message : String(err)}`);
  });
  try {
    total = await plan(zip, dest, limits);
  } finally {
    zip.close();
  }
  zip = await openZip(path);
  let written = 0;
  let reported = 0;
  try {
    await forEachEntry(zip, async (entry) => {
      signal?.throwIfAborted();
      const { target, isDir } = entryTarget(dest, entry);
      if (isDir) {
        mkdirSync(target, { recursive: true });
        return;
      }
      const stream = await new Promise<NodeJS.ReadableStream>((res, rej) => zip.openReadStream(entry, (err, s) => (err || !s ? rej(err ?? new Error(`cannot read ${entry.fileName}`)) : res(s))));
      mkdirSync(dirname(target), { recursive: true });
      // The databases are flushed to the disk as they are closed: a restore swaps them in right
      // after. Uploads are not (one fsync per file would dominate the time of a restore).
      await pipeline(stream, createWriteStream(target, { flags: 'wx', flush: durable && DB_FILES.includes(entry.fileName) }), { signal });
      written += entry.uncompressedSize;
      const fraction = total > 0 ? written / total : 1;
      if (fraction - reported >= 0.05) {
        reported = fraction;
        progress(Math.min(0.99, fraction), `Extracted ${size(written)} of ${size(total)}`);
      }
    });
  } finally {
    zip.close();
  }
}

/**
 * Checks that an archive is a usable backup: extracts it into a scratch dir under `workDir`
 * and runs integrity_check on its databases; the scratch dir is removed either way.
 */
export async function verifyArchive(path: string, workDir: string, opts: ExtractOptions = {}): Promise<void> {
  const scratch = join(workDir, `verify_${process.pid}_${Date.now()}`);
  try {
    await extractArchive(path, scratch, { durable: false, ...opts });
    for (const name of DB_FILES) {
      const db = join(scratch, name);
      if (existsSync(db)) checkDatabase(db);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
