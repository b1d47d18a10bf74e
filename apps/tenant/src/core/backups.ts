/**
 * The tenant's own backups (PocketBase's `/api/backups`): zip archives in `<dataDir>/backups/`.
 * Everything that reads or writes a whole archive runs in a child process (`burrow-tenant
 * backup create|verify|extract`): SQLite snapshots, integrity checks and extraction are
 * synchronous or long and must not stall this process's requests. Uploads are verified (zip,
 * data.db, integrity_check, bounded extraction) before they are accepted; a restore is prepared
 * (extracted, checked) while the instance still serves, then swapped in by renames while it is
 * closed, with a way back if reopening fails. One backup or restore at a time.
 */
import { isValidBackupName, planSwap, type RestorePlan } from '@burrow/backup';
import { BackupCommandError, runBackupCommand } from '@burrow/backup/command';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDate } from '../tools/types/datetime.js';

/** A backup as the API lists it. */
export interface BackupInfo {
  key: string;
  size: number;
  modified: string;
}

/** Thrown for a request that cannot be served now or with this input (the API answers 400). */
export class BackupError extends Error {}

// The CLI next to this module: src/core or dist/core (../../bin), or the one-file bundle in dist (../bin).
function tenantCli(): string {
  for (const rel of ['../../bin/burrow-tenant.mjs', '../bin/burrow-tenant.mjs']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('burrow-tenant CLI not found next to the server code');
}

/** The backups of one data directory. */
export class Backups {
  readonly dir: string;
  private readonly tempDir: string;
  /** The name of the backup being created or restored, if any. */
  active: string | undefined;

  constructor(private readonly dataDir: string, private readonly dbDir: string | undefined) {
    this.dir = join(dataDir, 'backups');
    this.tempDir = join(dataDir, '.pb_temp_to_delete');
    mkdirSync(this.dir, { recursive: true });
  }

  /** Removes what an interrupted backup, upload or restore left in the temp area. */
  sweepTemp(): void {
    rmSync(this.tempDir, { recursive: true, force: true });
    for (const name of readdirSync(this.dir)) if (name.endsWith('.part')) rmSync(join(this.dir, name), { force: true });
  }

  /** The archives, by name. */
  list(): BackupInfo[] {
    return readdirSync(this.dir)
      .filter(isValidBackupName)
      .sort()
      .flatMap((key) => {
        try {
          const st = statSync(join(this.dir, key));
          return st.isFile() ? [{ key, size: st.size, modified: formatDate(st.mtime) }] : [];
        } catch {
          return [];
        }
      });
  }

  /** The path of an existing archive, or undefined (bad names never reach the disk). */
  path(key: string): string | undefined {
    if (!isValidBackupName(key)) return undefined;
    const path = join(this.dir, key);
    return existsSync(path) ? path : undefined;
  }

  private claim(name: string): void {
    if (this.active !== undefined) throw new BackupError('Try again later - another backup/restore process has already been started.');
    this.active = name;
  }

  /** Creates an archive named `name` (checked by the caller); resolves when it is complete. */
  async create(name: string, progress: (fraction: number, step: string) => void = () => undefined): Promise<void> {
    this.claim(name);
    try {
      const args = ['create', '--dir', this.dataDir, '--out', join(this.dir, name)];
      if (this.dbDir) args.push('--db-dir', this.dbDir);
      await this.command(args, progress);
    } finally {
      this.active = undefined;
    }
  }

  // Runs `burrow-tenant backup <args>`; an archive it refused is a BackupError with its reason.
  private async command(args: string[], progress?: (fraction: number, step: string) => void): Promise<void> {
    try {
      await runBackupCommand(process.execPath, [tenantCli(), 'backup', ...args], undefined, { onProgress: progress });
    } catch (err) {
      if (err instanceof BackupCommandError && err.refused) throw new BackupError(err.message);
      throw err;
    }
  }

  // A fresh path in the temp area (swept at startup: what a killed command left goes then).
  private scratch(kind: string): string {
    mkdirSync(this.tempDir, { recursive: true });
    return join(this.tempDir, `${kind}_${Date.now()}_${randomBytes(4).toString('hex')}`);
  }

  /** Deletes an archive; false when it does not exist. */
  delete(key: string): boolean {
    if (this.active === key) throw new BackupError('The backup is currently being used and cannot be deleted.');
    const path = this.path(key);
    if (!path) return false;
    rmSync(path, { force: true });
    return true;
  }

  /**
   * Verifies an uploaded file (in a child process: extraction bounded by the archive's size and
   * the free disk space, integrity_check) and moves it in as `name`; throws BackupError with the
   * reason when it is not a usable backup.
   */
  async accept(tempPath: string, name: string): Promise<void> {
    const work = this.scratch('verify');
    try {
      await this.command(['verify', '--from', tempPath, '--work', work]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    renameSync(tempPath, join(this.dir, name));
  }

  /**
   * Prepares a restore while the instance still serves: extracts and checks the archive in a
   * child process (bounded as an upload's check). Returns the swap to run once the app is
   * closed (renames only); a failure there puts the old data back.
   */
  async prepareRestore(key: string): Promise<RestorePlan> {
    if (this.dbDir) throw new BackupError('A replicated instance is restored through the platform, not in place.');
    const path = this.path(key);
    if (!path) throw new BackupError('Missing or invalid backup file.');
    this.claim(key);
    const extracted = this.scratch('restore');
    try {
      await this.command(['extract', '--from', path, '--to', extracted]);
    } catch (err) {
      this.active = undefined;
      await rm(extracted, { recursive: true, force: true });
      throw err;
    }
    // The leftovers (the old data after a restore, possibly large) are removed in the background:
    // the server is serving again by then. What a crash leaves is swept at the next start.
    const plan = planSwap(this.dataDir, extracted, `${extracted}_old`, {
      rename: renameSync,
      remove: (dir) => void rm(dir, { recursive: true, force: true }).catch(() => undefined),
    });
    return {
      swap: () => plan.swap(),
      revert: () => plan.revert(),
      cleanup: () => {
        this.active = undefined;
        plan.cleanup();
      },
    };
  }
}
