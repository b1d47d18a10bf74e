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
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import yazl from 'yazl';

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
const DB_FILES = ['data.db', 'auxiliary.db'];
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
 * `workDir` holds the snapshots meanwhile.
 */
export async function createArchive(dirs: DataDirs, out: string, workDir: string, progress: Progress = () => undefined): Promise<{ size: number }> {
  mkdirSync(workDir, { recursive: true });
  const snapshots: string[] = [];
  try {
    for (const [i, name] of DB_FILES.entries()) {
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
    for (const snap of snapshots) zip.addFile(snap, snap.slice(workDir.length + 1), { compressionLevel: 1 });
    const storage = join(dirs.dataDir, 'storage');
    if (existsSync(storage)) {
      for (const file of walk(storage)) {
        zip.addFile(file, relative(dirs.dataDir, file).split(sep).join('/'), { compressionLevel: COMPRESSED_EXT.test(file) ? 0 : 1 });
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
      await Promise.race([pipeline(zip.outputStream, createWriteStream(temp)), zipFailed]);
      renameSync(temp, out);
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

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((res, rej) => yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: true, validateEntrySizes: true }, (err, zip) => (err || !zip ? rej(err ?? new Error('cannot open zip')) : res(zip))));
}

/** A name inside an archive that may be written under `dest`: relative, no `..`, no drive or NUL. */
export function safeEntryPath(dest: string, name: string): string | undefined {
  if (!name || name.includes('\0') || name.includes('\\') || name.startsWith('/') || /^[A-Za-z]:/.test(name)) return undefined;
  if (name.split('/').some((seg) => seg === '..')) return undefined;
  const root = resolve(dest);
  const target = resolve(root, name);
  return target.startsWith(root + sep) ? target : undefined;
}

/**
 * Extracts an archive into `dest` (created), refusing any entry that would land outside it,
 * links, and archives without `data.db` at the root. Throws a readable Error on a bad archive.
 */
export async function extractArchive(path: string, dest: string, progress: Progress = () => undefined): Promise<void> {
  mkdirSync(dest, { recursive: true });
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(path);
  } catch (err) {
    throw new Error(`not a valid zip archive: ${err instanceof Error ? err.message : String(err)}`);
  }
  let sawData = false;
  let done = 0;
  try {
    await new Promise<void>((res, rej) => {
      zip.on('error', rej);
      zip.on('end', () => res());
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = entry.fileName;
        const isDir = name.endsWith('/');
        // Unix file type bits in the external attributes: only regular files and directories.
        const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
        if (mode !== 0 && mode !== 0o100000 && mode !== 0o040000) {
          rej(new Error(`unsupported entry type in archive: ${name}`));
          return;
        }
        const target = safeEntryPath(dest, isDir ? name.slice(0, -1) : name);
        if (!target) {
          rej(new Error(`unsafe path in archive: ${JSON.stringify(name.slice(0, 200))}`));
          return;
        }
        if (name === 'data.db') sawData = true;
        // These callbacks run from yauzl's I/O: a throw here would be uncaught (a crafted
        // archive, e.g. a file and a directory of the same name, must be a refusal, not a crash).
        try {
          if (isDir) {
            mkdirSync(target, { recursive: true });
            zip.readEntry();
            return;
          }
        } catch (err) {
          rej(err);
          return;
        }
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) {
            rej(err ?? new Error(`cannot read ${name}`));
            return;
          }
          try {
            mkdirSync(dirname(target), { recursive: true });
          } catch (mkErr) {
            stream.destroy();
            rej(mkErr);
            return;
          }
          pipeline(stream, createWriteStream(target, { flags: 'wx' })).then(() => {
            done++;
            if (done % 100 === 0) progress(Math.min(0.9, done / Math.max(1, zip.entryCount)), `Extracted ${done} of ${zip.entryCount} files`);
            zip.readEntry();
          }, rej);
        });
      });
      zip.readEntry();
    });
  } catch (err) {
    throw err instanceof Error && /unsafe|unsupported/.test(err.message) ? err : new Error(`not a valid backup archive: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    zip.close();
  }
  if (!sawData) throw new Error('not a backup archive: data.db is missing at its root');
}

/**
 * Checks that an archive is a usable backup: extracts it into a scratch dir under `workDir`
 * and runs integrity_check on its databases; the scratch dir is removed either way.
 */
export async function verifyArchive(path: string, workDir: string): Promise<void> {
  const scratch = join(workDir, `verify_${process.pid}_${Date.now()}`);
  try {
    await extractArchive(path, scratch);
    for (const name of DB_FILES) {
      const db = join(scratch, name);
      if (existsSync(db)) checkDatabase(db);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A prepared restore of a data directory: swap the data in, put it back, remove the leftovers. */
export interface RestorePlan {
  swap(): void;
  revert(): void;
  cleanup(): void;
}

/**
 * Prepares a restore of `archive` into `dataDir` (not yet touching it): extracts into `workDir`
 * and checks the databases. `swap()` then moves the current entries (except backups and temp
 * areas) aside and the extracted ones in, both by rename; `revert()` undoes a swap;
 * `cleanup()` removes what is left (the old data after a swap, the extraction otherwise).
 * Only run `swap()` while nothing has the databases open.
 */
export async function prepareRestore(dataDir: string, archive: string, workDir: string, progress: Progress = () => undefined): Promise<RestorePlan> {
  const id = `${process.pid}_${Date.now()}`;
  const extracted = join(workDir, `restore_${id}`);
  const old = join(workDir, `old_data_${id}`);
  try {
    progress(0.1, 'Extracting the archive');
    await extractArchive(archive, extracted, (f, step) => progress(0.1 + f * 0.6, step));
    progress(0.75, 'Checking the databases');
    for (const name of DB_FILES) if (existsSync(join(extracted, name))) checkDatabase(join(extracted, name));
  } catch (err) {
    rmSync(extracted, { recursive: true, force: true });
    throw err;
  }
  const move = (from: string, to: string) => {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from)) {
      if (EXCLUDED_DIRS.has(entry)) continue;
      renameSync(join(from, entry), join(to, entry));
    }
  };
  return {
    swap: () => {
      move(dataDir, old);
      move(extracted, dataDir);
    },
    revert: () => {
      move(dataDir, extracted);
      move(old, dataDir);
    },
    cleanup: () => {
      rmSync(extracted, { recursive: true, force: true });
      rmSync(old, { recursive: true, force: true });
    },
  };
}
