/**
 * instance.backup: archives the instance's data into `<backupsDir>/<instanceId>/<name>` through
 * the runtime (a snapshot in a child process: a running instance keeps serving and writing, a
 * sleeping one is not woken). The archive is written under a temporary name and renamed when
 * complete and checked, so a killed worker never leaves a half archive that counts; a re-run
 * of a finished job finds the archive and does nothing.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { InstanceStore } from '@burrow/db';
import type { InstanceRuntime } from '@burrow/runtime';
import type { CheckedPayload } from '../job_payload.js';
import type { WorkerSettings } from '../settings.js';
import { runtimeId } from './instance_steps.js';
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
  async handle({ instanceId, name }: CheckedPayload<'instance.backup'>, progress: ProgressReporter): Promise<void> {
    const row = await this.instances.byId(instanceId);
    if (!row || row.status === 'deleting' || row.status === 'provisioning') {
      await progress({ percent: 100, step: row ? `Nothing to do (instance is ${row.status})` : 'Nothing to do (instance is gone)' });
      return;
    }
    const dir = join(this.settings.backupsDir, instanceId);
    const out = join(dir, name);
    if (existsSync(out)) {
      await progress({ percent: 100, step: 'Backup already taken' });
      return;
    }
    await mkdir(dir, { recursive: true });
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
    await progress({ percent: 100, step: 'Backup complete' });
  }
}
