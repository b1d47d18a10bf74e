/**
 * The tenant's own backups (PocketBase's `/api/backups`): zip archives in `<dataDir>/backups/`.
 * Creating one runs `burrow-tenant backup create` in a child process (the SQLite snapshot is
 * synchronous and must not stall this process's requests); uploads are verified (zip, data.db,
 * integrity_check) before they are accepted; a restore is prepared (verified, extracted) while
 * the instance still serves, then swapped in while it is closed, with a way back if reopening
 * fails. One backup or restore at a time.
 */
import { isValidBackupName, prepareRestore, verifyArchive, type RestorePlan } from '@burrow/backup';
import { runBackupCommand } from '@burrow/backup/command';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
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
      const args = [tenantCli(), 'backup', 'create', '--dir', this.dataDir, '--out', join(this.dir, name)];
      if (this.dbDir) args.push('--db-dir', this.dbDir);
      await runBackupCommand(process.execPath, args, undefined, { onProgress: progress });
    } finally {
      this.active = undefined;
    }
  }

  /** Deletes an archive; false when it does not exist. */
  delete(key: string): boolean {
    if (this.active === key) throw new BackupError('The backup is currently being used and cannot be deleted.');
    const path = this.path(key);
    if (!path) return false;
    rmSync(path, { force: true });
    return true;
  }

  /** Verifies an uploaded file and moves it in as `name`; throws BackupError when it is not a usable backup. */
  async accept(tempPath: string, name: string): Promise<void> {
    mkdirSync(this.tempDir, { recursive: true });
    try {
      await verifyArchive(tempPath, this.tempDir);
    } catch (err) {
      throw new BackupError(err instanceof Error ? err.message : String(err));
    }
    renameSync(tempPath, join(this.dir, name));
  }

  /**
   * Prepares a restore while the instance still serves: verifies and extracts the archive.
   * Returns the swap to run once the app is closed; a failure there puts the old data back.
   */
  async prepareRestore(key: string): Promise<RestorePlan> {
    if (this.dbDir) throw new BackupError('A replicated instance is restored through the platform, not in place.');
    const path = this.path(key);
    if (!path) throw new BackupError('Missing or invalid backup file.');
    this.claim(key);
    let plan: RestorePlan;
    try {
      mkdirSync(this.tempDir, { recursive: true });
      plan = await prepareRestore(this.dataDir, path, this.tempDir);
    } catch (err) {
      this.active = undefined;
      throw new BackupError(err instanceof Error ? err.message : String(err));
    }
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
