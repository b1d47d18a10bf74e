/**
 * The one job registry: every queue job's name and payload. Job ids are the intent
 * (e.g. `provision:<instanceId>`), so adding the same job twice is a no-op (idempotency).
 */

/**
 * Payload of every job, by name. Only jobs the worker handles are listed (it refuses to
 * boot otherwise); replicas add theirs when they land.
 */
export interface JobPayloads {
  /**
   * Create the data dir (from a platform backup of `fromBackup.instanceId` when given), sync
   * the owner as superuser, start the tenant, mark it running.
   */
  'instance.provision': { instanceId: string; fromBackup?: { instanceId: string; name: string; pointInTime?: string } };
  /**
   * Stop the tenant, remove its data and its rows; with `deleteBackups`, its platform backups
   * and its continuous backup on the platform's disk too (kept otherwise).
   */
  'instance.deprovision': { instanceId: string; deleteBackups?: boolean };
  /**
   * Start or stop the tenant to match the desired power; `restart`: a running tenant is
   * stopped and started again (a change that applies at start, such as continuous backup).
   */
  'instance.power': { instanceId: string; power: 'on' | 'off'; restart?: boolean };
  /** Copy the owner's console credentials into the instance's `_superusers`. */
  'instance.admin-sync': { instanceId: string };
  /**
   * Archive the instance's data into the platform's backups (whether it runs or sleeps).
   * Scheduled runs (queued by the instance's job scheduler) have no name: the worker names
   * them `auto_...` and keeps the instance's newest `backupKeep` of those.
   */
  'instance.backup': { instanceId: string; name: string; scheduled?: boolean };
  /**
   * Replace the instance's data with a backup's, keeping the current data first as the
   * backup `undoName` (restoring that one is the undo). With `pointInTime` (ISO), the backup
   * `name` is first made from continuous backup: the database as it was then, with the
   * instance's current files.
   */
  'instance.restore': { instanceId: string; name: string; undoName: string; pointInTime?: string };
  /**
   * Put the deploy bundle `deployId` (stored by the api under DATA_DIR/deploys/<instanceId>/)
   * into the instance's data dir and restart it onto it; a deploy that does not start is rolled
   * back to the previous code (the instance keeps serving) and the job fails with the reason.
   */
  'instance.deploy': { instanceId: string; deployId: string };
  /**
   * Start the read replica `nodeId` (a row the api added) and wait until it has caught up with
   * the primary; the first replica first moves the instance's database into LiteFS as its
   * primary (`litefs import`).
   */
  'replica.add': { instanceId: string; nodeId: string };
  /** Stop and remove the read replica `nodeId` and its row (its primary keeps serving). */
  'replica.remove': { instanceId: string; nodeId: string };
}

/** A job name. */
export type JobName = keyof JobPayloads;

/** Every job name, in a stable order (the worker checks it has one handler for each). */
export const JOB_NAMES = [
  'instance.provision', 'instance.deprovision', 'instance.power', 'instance.admin-sync', 'instance.backup', 'instance.restore', 'instance.deploy',
  'replica.add', 'replica.remove',
] as const satisfies readonly JobName[];

/** Jobs bound to the host that runs the instance (they go to that host's queue). */
export const HOST_BOUND_JOBS: ReadonlySet<JobName> = new Set<JobName>([
  'instance.provision', 'instance.deprovision', 'instance.power', 'instance.admin-sync', 'instance.backup', 'instance.restore', 'instance.deploy',
  'replica.add', 'replica.remove',
]);

/** The idempotency key of a job: one intent, one job id. */
export function jobId<N extends JobName>(name: N, payload: JobPayloads[N]): string {
  switch (name) {
    case 'instance.power': {
      const p = payload as JobPayloads['instance.power'];
      return `${name}:${payload.instanceId}:${p.power}${p.restart ? ':restart' : ''}`;
    }
    case 'instance.backup':
      return `${name}:${payload.instanceId}:${(payload as JobPayloads['instance.backup']).name}`;
    case 'instance.deploy':
      return `${name}:${payload.instanceId}:${(payload as JobPayloads['instance.deploy']).deployId}`;
    case 'replica.add':
    case 'replica.remove':
      return `${name}:${(payload as JobPayloads['replica.add']).nodeId}`;
    case 'instance.restore':
      return `${name}:${payload.instanceId}:${(payload as JobPayloads['instance.restore']).undoName}`;
    default:
      return `${name}:${payload.instanceId}`;
  }
}

/** Progress a job reports (0-100 plus the step the console shows). */
export interface JobProgress {
  percent: number;
  step: string;
}

/** A job handler: gets the payload and a progress reporter. */
export type JobHandler<N extends JobName> = (payload: JobPayloads[N], progress: (p: JobProgress) => Promise<void>) => Promise<void>;

/** One registration of a handler for a job name. */
export interface HandlerRegistration {
  name: string;
  source: string;
}

/**
 * Checks at worker boot that every job name has exactly one handler and that no handler
 * is registered for an unknown name; returns the problems (empty = fine).
 */
export function handlerProblems(registrations: readonly HandlerRegistration[]): string[] {
  const problems: string[] = [];
  const known = new Set<string>(JOB_NAMES);
  for (const name of JOB_NAMES) {
    const found = registrations.filter((r) => r.name === name);
    if (found.length === 0) problems.push(`job "${name}" has no handler`);
    if (found.length > 1) problems.push(`job "${name}" has ${found.length} handlers: ${found.map((f) => f.source).join(', ')}`);
  }
  for (const r of registrations) if (!known.has(r.name)) problems.push(`handler ${r.source} is registered for unknown job "${r.name}"`);
  return problems;
}
