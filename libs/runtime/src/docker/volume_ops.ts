/**
 * What the docker driver does with an instance's data: the tenant's own commands in one-off
 * containers on its volume (backup create/restore, superuser sync). Archives pass through a
 * scratch directory beside the host path, bind-mounted into the task: the platform must run on
 * the Docker host for these (its backups dir is bind-mounted).
 */
import { constants as fsConstants } from 'node:fs';
import { chmod, chown, copyFile, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readProgressLine } from '@burrow/backup/command';
import { RuntimeError } from '../errors.js';
import type { InstanceId } from '../instance_id.js';
import type { BackupOptions, ResourceLimits } from '../types.js';
import { DATA_DIR, WORK_DIR } from './container_spec.js';
import type { InstanceNames } from './names.js';
import type { ResolvedDockerOptions } from './options.js';
import { runTask } from './tasks.js';

/** The tenant's uid and gid in the image. */
const TENANT_UID = 1000;

/** One instance's volume, and the limits its tasks run under. */
export interface VolumeTarget {
  id: InstanceId;
  names: InstanceNames;
  limits: Required<ResourceLimits>;
}

/** `burrow-tenant <args> --dir <data dir>` in a one-off container; its output, or `command_failed`. */
export async function runTenantCommand(opts: ResolvedDockerOptions, t: VolumeTarget, args: string[], stdin?: string): Promise<string> {
  const r = await runTask(opts, { ...t, cmd: [...args, '--dir', DATA_DIR], stdin });
  if (r.code !== 0) throw new RuntimeError('command_failed', `burrow-tenant ${args[0] ?? ''} ${args[1] ?? ''} failed: ${r.stderr || `exit ${r.code}`}`);
  return r.stdout;
}

/** Archives the volume's data to `out` (the tenant's backup command; a running tenant keeps serving). */
export async function backupVolume(opts: ResolvedDockerOptions, t: VolumeTarget, out: string, o: BackupOptions): Promise<{ size: number }> {
  const scratch = await taskScratch(dirname(out), `.backup_${t.id}_`);
  try {
    const binds = [`${scratch}:/backup`];
    const args = ['backup', 'create', '--dir', DATA_DIR, '--work', `${WORK_DIR}/backup_work_${Date.now()}`, '--out', `/backup/${basename(out)}`];
    if (o.databaseDir !== undefined) {
      binds.push(`${o.databaseDir}:/pitr`);
      args.push('--db-dir', '/pitr');
    }
    if (o.store) args.push('--store');
    const size = await runBackupTask(opts, t, args, binds, o, 'backup');
    await rename(join(scratch, basename(out)), out);
    return { size: size ?? (await stat(out)).size };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Swaps an archive into the (stopped) instance's volume; checked first, nothing changes on a bad one. */
export async function restoreVolume(opts: ResolvedDockerOptions, t: VolumeTarget, archive: string, o: BackupOptions): Promise<void> {
  // A copy the tenant's user can read, whatever the owner and mode of the original.
  const scratch = await taskScratch(dirname(archive), `.restore_${t.id}_`);
  try {
    const copy = join(scratch, 'archive.zip');
    await copyFile(archive, copy, fsConstants.COPYFILE_FICLONE);
    await chmod(copy, 0o644);
    const args = ['backup', 'restore', '--dir', DATA_DIR, '--work', `${WORK_DIR}/restore_work_${Date.now()}`, '--from', '/restore/archive.zip'];
    await runBackupTask(opts, t, args, [`${scratch}:/restore:ro`], o, 'restore');
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** A new directory the tenant's user owns (0700); where the platform may not chown, writable by all (0777). */
async function taskScratch(parent: string, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(parent, prefix));
  try {
    await chown(dir, TENANT_UID, TENANT_UID);
  } catch {
    await chmod(dir, 0o777);
  }
  return dir;
}

async function runBackupTask(opts: ResolvedDockerOptions, t: VolumeTarget, cmd: string[], binds: string[], o: BackupOptions, what: string): Promise<number | undefined> {
  let size: number | undefined;
  const r = await runTask(opts, {
    ...t, cmd, binds, signal: o.signal,
    onLine: (line) => {
      const done = readProgressLine(line, o.onProgress);
      if (done !== undefined) size = done;
    },
  });
  if (r.code !== 0 || size === undefined) throw new RuntimeError('backup_failed', `${what} of ${t.id} failed: ${r.stderr || `exit ${r.code}`}`);
  return size;
}
