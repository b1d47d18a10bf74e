/**
 * instance.backup: archives the instance's data into `<backupsDir>/<instanceId>/<name>` through
 * the runtime (a snapshot in a child process: a running instance keeps serving and writing, a
 * sleeping one is not woken). The archive is written under a temporary name and renamed when
 * complete and checked, so a killed worker never leaves a half archive that counts; a re-run
 * of a finished job finds the archive and does nothing. Scheduled runs are named when they
 * run and prune the instance's older scheduled archives beyond its `backupKeep`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { generateBackupName, isValidBackupName } from '@burrow/backup';
import type { InstanceStore } from '@burrow/db';
import type { InstanceRuntime } from '@burrow/runtime';
import type { CheckedPayload } from '../job_payload.js';
import type { WorkerSettings } from '../settings.js';
import { runtimeId } from './instance_steps.js';
import { removeStale } from './stale_files.js';
import type { JobHandler, ProgressReporter } from './job_handler.js';
import { INSTANCES, RUNTIME, SETTINGS } from '../tokens.js';

/** Takes one backup of an instance. */
@Injectable()
export class BackupHandler implements JobHandler<'instance.backup'> {
  /** The job this class handles. */
  readonly job = 'instance.backup';
  private readonly log = new Logger(BackupHandler.name);

  /** Takes the instance store, the runtime and where backups go. */
  constructor(
    @Inject(INSTANCES) private readonly instances: InstanceStore,
    @Inject(RUNTIME) private readonly runtime: InstanceRuntime,
    @Inject(SETTINGS) private readonly settings: WorkerSettings,
  ) {}

  /** Writes the archive; an instance that is gone, being deleted or not yet built has nothing to back up. */
  async handle({ instanceId, name: requested, scheduled }: CheckedPayload<'instance.backup'>, progress: ProgressReporter): Promise<void> {
    const row = await this.instances.byId(instanceId);
    if (!row || row.status === 'deleting' || row.status === 'provisioning') {
      await progress({ percent: 100, step: row ? `Nothing to do (instance is ${row.status})` : 'Nothing to do (instance is gone)' });
      return;
    }
    const dir = join(this.settings.backupsDir, instanceId);
    const name = scheduled ? generateBackupName('', 'auto', new Date()) : requested; // auto_<yyyymmddhhmmss>.zip: sorts by time
    const out = join(dir, name);
    if (existsSync(out)) {
      await progress({ percent: 100, step: 'Backup already taken' });
      return;
    }
    await mkdir(dir, { recursive: true });
    await removeStale(dir, (n) => n.endsWith('.part')); // part files of a killed worker's backup
    await progress({ percent: 5, step: 'Starting the backup' });
    let last = 5;
    const { size } = await this.runtime.backup(runtimeId(instanceId), out, {
      onProgress: (fraction, step) => {
        const percent = Math.min(95, Math.round(5 + fraction * 90));
        if (percent <= last) return;
        last = percent;
        void progress({ percent, step }).catch(() => undefined);
      },
    });
    this.log.log(`instance ${row.name} (${instanceId}) backed up as ${name} (${size} bytes)`);
    if (scheduled) await this.prune(dir, row.backupKeep);
    await progress({ percent: 100, step: 'Backup complete' });
  }

  // Retention: only scheduled (`auto_`) archives count and go, oldest first; manual ones and
  // pre-restore undos stay until the user deletes them.
  private async prune(dir: string, keep: number): Promise<void> {
    const autos = (await readdir(dir)).filter((n) => n.startsWith(AUTO_PREFIX) && isValidBackupName(n)).sort();
    for (const old of autos.slice(0, Math.max(0, autos.length - Math.max(1, keep)))) await rm(join(dir, old), { force: true });
  }
}

/** Name prefix of scheduled backups (their names end in a sortable UTC time). */
export const AUTO_PREFIX = 'auto_';
