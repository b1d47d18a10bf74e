/** The worker's settings, derived once from the platform config. */
import type { PlatformConfig } from '@burrow/config';
import { JOB_NAMES } from '@burrow/contracts';
import type { HostId } from '@burrow/db';
import type { ReplicaStoreSettings } from '@burrow/litestream';
import { queueFor } from '@burrow/jobs';

/** What the worker's parts need to know about where and how it runs. */
export interface WorkerSettings {
  /** This machine's host id: host-bound jobs for it arrive on its own queue. */
  hostId: HostId;
  /** The process runtime's root: `<instancesDir>/<id>/data` is a tenant's data dir. */
  instancesDir: string;
  /** Where tenants run: with docker, their data is reachable only through the runtime. */
  runtime: PlatformConfig['runtime'];
  /** Where platform backups go: `<backupsDir>/<instanceId>/<name>.zip`. */
  backupsDir: string;
  /** Deploy bundles the api stored: `<deploysDir>/<instanceId>/<deployId>.json`. */
  deploysDir: string;
  /** Where continuous backup (Litestream) replicas go, and their timing. */
  replicaStore: ReplicaStoreSettings;
  /** Every queue this worker consumes (its host's queue, plus the shared one when a job uses it). */
  queues: string[];
  /** Jobs processed at once per queue. */
  concurrency: number;
  /** A job's lock lives this long without renewal, so a killed worker's job is taken over soon after. */
  lockDurationMs: number;
  /** How often stalled (lock-expired) jobs are moved back to the queue. */
  stalledIntervalMs: number;
  /** How often instances stuck in `provisioning`/`deleting` get their job queued again. */
  reconcileIntervalMs: number;
}

/**
 * Defaults: 4 jobs at once, a 15 s lock checked every 5 s, a reconcile pass every 30 s. The
 * lock outlives the tenant's 10 s SQLite busy timeout: the admin sync writes the tenant's
 * database synchronously, and a lock that expired meanwhile would hand the job to another worker.
 */
export function workerSettings(
  config: PlatformConfig,
  overrides: Partial<Pick<WorkerSettings, 'concurrency' | 'reconcileIntervalMs' | 'lockDurationMs' | 'stalledIntervalMs'>> = {},
): WorkerSettings {
  return {
    hostId: config.hostId as HostId,
    instancesDir: config.instancesDir,
    runtime: config.runtime,
    backupsDir: config.backupsDir,
    deploysDir: config.deploysDir,
    replicaStore: { backupsDir: config.backupsDir, ...config.continuousBackup },
    queues: [...new Set(JOB_NAMES.map((name) => queueFor(name, config.hostId)))],
    concurrency: overrides.concurrency ?? 4,
    lockDurationMs: overrides.lockDurationMs ?? 15_000,
    stalledIntervalMs: overrides.stalledIntervalMs ?? 5_000,
    reconcileIntervalMs: overrides.reconcileIntervalMs ?? 30_000,
  };
}
