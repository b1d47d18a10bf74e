/**
 * Backup archives in PocketBase's format: a zip of the data directory with consistent
 * snapshots of `data.db` and `auxiliary.db` at its root and the files under `storage/`.
 *
 * Snapshots are taken with `VACUUM INTO` on a read-only connection: one read transaction, so
 * in WAL mode the instance's writers carry on while it runs, and the copy is exactly the
 * database at that moment (and compacted). Each snapshot must pass `PRAGMA integrity_check`
 * before the archive counts. These calls are synchronous and can take seconds on a large
 * database: run them off the serving thread (the tenant runs them in a child process).
 */
import Database from 'better-sqlite3';
import { createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { fsyncPath } from './durable.js';

/** Where an instance keeps its databases and files. */
export interface DataDirs {
  /** The data directory (auxiliary.db, storage/, ...). */
  dataDir: string;
  /** The directory of data.db when it is elsewhere (a LiteFS mount); defaults to dataDir. */
  dbDir?: string;
}

/** Progress of a long operation: a fraction in [0, 1] and what is happening. */
export type Progress = (fraction: number, step: string) => void;

/** The temporary file an archive is written to before it is renamed to `out`. */
export const partFileOf = (out: string, pid = process.pid): string => `${out}.${pid}.part`;

/** Directories of a data dir that are never archived (backups themselves, temp and upload areas). */
export const EXCLUDED_DIRS = new Set(['backups', '.pb_temp_to_delete', '.tmp', 'lost+found']);
const EXCLUDED_STORAGE = new Set(['.uploads']);
/** The databases of a data dir, archived as snapshots at the archive's root. */
export const DB_FILES = ['data.db', 'auxiliary.db'];
/** Uploads that deflate cannot shrink (images, media, archives): stored as they are. */
const COMPRESSED_EXT = /\.(jpe?g|png|gif|webp|avif|heic|mp4|mov|webm|mp3|ogg|flac|zip|gz|zst|7z|br|woff2?)$/i;

/** Snapshots one database into `dest` and checks the copy; throws when the check fails. */
export function snapshotDatabase(source: string, dest: string): void {
  rmSync(dest, { force: true });
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    db.prepare('VACUUM INTO ?').run(dest);
  } finally {
    db.close();
  }
  // The copy comes out in rollback-journal mode; switching it to WAL here (once, off the
  // serving path) spares a restored instance a full-file fsync when it first opens it.
  const copy = new Database(dest);
  try {
    copy.pragma('journal_mode = WAL');
  } finally {
    copy.close();
  }
  checkDatabase(dest);
}

/** Throws unless `path` is an SQLite database that passes `PRAGMA integrity_check`. */
export function checkDatabase(path: string): void {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new Error(`not an SQLite database: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    const result = rows.map((r) => r.integrity_check).join('; ');
    if (result !== 'ok') throw new Error(`integrity_check failed: ${result.slice(0, 500)}`);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('integrity_check')) throw err;
    throw new Error(`not an SQLite database: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    db.close();
  }
}

function* walk(root: string, dir = root): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (dir === root && EXCLUDED_STORAGE.has(entry.name)) continue;
      yield* walk(root, path);
    } else if (entry.isFile()) yield path;
  }
}

/**
 * Writes a backup archive of `dirs` to `out` (through a temporary file next to it, renamed at
 * the end, so a reader never sees half an archive; names ending in `.part` are never backups).
 * The archive is fsynced before the rename and its directory after it: once this resolves, the
 * backup survives a power loss. `workDir` holds the snapshots meanwhile. `signal` stops it
 * between steps and while zipping (a snapshot in progress runs to its end first).
 */
export async function createArchive(
  dirs: DataDirs,
  out: string,
  workDir: string,
  progress: Progress = () => undefined,
  signal?: AbortSignal,
  /** `store`: no compression, for an archive that is restored right away (a point in time): ~7x faster. */
  opts: { store?: boolean } = {},
): Promise<{ size: number }> {
  const level = (compressed: boolean) => (opts.store || compressed ? 0 : 1);
  mkdirSync(workDir, { recursive: true });
  const snapshots: string[] = [];
  try {
    for (const [i, name] of DB_FILES.entries()) {
      signal?.throwIfAborted();
      const source = join(name === 'data.db' ? dirs.dbDir ?? dirs.dataDir : dirs.dataDir, name);
      if (!existsSync(source)) {
        if (name === 'data.db') throw new Error(`missing ${source}`);
        continue;
      }
      progress(0.05 + i * 0.35, `Snapshotting ${name}`);
      const dest = join(workDir, name);
      snapshotDatabase(source, dest);
      snapshots.push(dest);
    }
    progress(0.75, 'Archiving files');
    const zip = new yazl.ZipFile();
    // Fastest deflate: level 6 made zipping a 1 GiB database take ~40 s against ~29 s at level 1
    // for a few percent of size (bench/backups); files that are compressed already are stored.
    for (const snap of snapshots) zip.addFile(snap, snap.slice(workDir.length + 1), { compressionLevel: level(false) });
    const storage = join(dirs.dataDir, 'storage');
    if (existsSync(storage)) {
      for (const file of walk(storage)) {
        zip.addFile(file, relative(dirs.dataDir, file).split(sep).join('/'), { compressionLevel: level(COMPRESSED_EXT.test(file)) });
      }
    }
    // A file deleted or changed while it is read (a record deleted meanwhile) is an 'error' on
    // the zip: it fails this backup instead of crashing the process.
    const zipFailed = new Promise<never>((_, reject) => zip.on('error', reject));
    zipFailed.catch(() => undefined);
    zip.end();
    // Per process: a writer that outlived its job (its parent killed) never shares a file with the retry.
    const temp = partFileOf(out);
    mkdirSync(dirname(out), { recursive: true });
    try {
      signal?.throwIfAborted();
      // flush: the file's data reaches the disk before the stream closes (before the rename).
      await Promise.race([pipeline(zip.outputStream, createWriteStream(temp, { flush: true }), { signal }), zipFailed]);
      renameSync(temp, out);
      fsyncPath(dirname(out));
    } catch (err) {
      rmSync(temp, { force: true });
      throw err;
    }
    progress(1, 'Done');
    return { size: statSync(out).size };
  } finally {
    for (const s of snapshots) rmSync(s, { force: true });
  }
}
