/**
 * Instance use cases. The api records the desired state and queues the work; only the worker
 * acts on tenants. Every query is scoped by the owner's id: someone else's instance answers 404.
 */
import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { PlatformConfig } from '@burrow/config';
import {
  JobRunStore, newId, parseId, uniqueViolation, type ControlDb, type ControlInstanceId, type Instance, type SecretBox, type UserId,
} from '@burrow/db';
import { instanceNameProblem, type JobPayloads } from '@burrow/contracts';
import type { JobProducer } from '@burrow/jobs';
import { ApiError, ApiErrorCode } from '../common/api_error.js';
import { CLOCK, CONFIG, DB, JOBS, SECRET_BOX, type Clock } from '../common/tokens.js';
import type { AuthContext } from '../auth/auth_context.js';
import { toInstanceView, type InstanceView } from './instance_view.js';

/** A validated PATCH. */
export interface InstancePatch {
  name?: string;
  power?: 'on' | 'off';
  secrets?: Record<string, string | null>;
}

const NAME_TAKEN = { name: { code: 'validation_name_taken', message: 'This name is already taken.' } };

/** Answer of the name check. */
export interface NameAvailability {
  name: string;
  available: boolean;
  code?: string;
  message?: string;
}

/** Instance use cases. */
@Injectable()
export class InstancesService {
  private readonly runs: JobRunStore;

  constructor(
    @Inject(DB) private readonly db: ControlDb,
    @Inject(JOBS) private readonly jobs: JobProducer,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    @Inject(CONFIG) private readonly config: PlatformConfig,
    @Inject(CLOCK) private readonly now: Clock,
  ) {
    this.runs = new JobRunStore(db);
  }

  /** The caller's instances, newest first. */
  async list(auth: AuthContext): Promise<InstanceView[]> {
    const rows = await this.db.instance.findMany({ where: { ownerId: auth.userId }, include: { secrets: { select: { name: true } } }, orderBy: { createdAt: 'desc' } });
    return Promise.all(rows.map(async (r) => toInstanceView(this.config, r, await this.runs.latestFor(r.id as ControlInstanceId))));
  }

  /**
   * Whether `name` could be taken now: the contracts' rules, then the database (any owner's
   * instance holds its name). A hint for the console; create and rename still decide.
   */
  async nameAvailability(_auth: AuthContext, name: string): Promise<NameAvailability> {
    const problem = instanceNameProblem(name);
    if (problem) return { name, available: false, ...problem };
    const taken = await this.db.instance.findFirst({ where: { name }, select: { id: true } });
    return taken ? { name, available: false, ...NAME_TAKEN.name } : { name, available: true };
  }

  /** One of the caller's instances. */
  async get(auth: AuthContext, id: string): Promise<InstanceView> {
    const row = await this.owned(auth, id);
    return this.view(row.id as ControlInstanceId);
  }

  /** Records a new instance and queues its provisioning (from one of the caller's backups when `fromBackup` is given). */
  async create(auth: AuthContext, name: string, fromBackup?: JobPayloads['instance.provision']['fromBackup']): Promise<InstanceView> {
    await this.jobs.requireAvailable();
    const count = await this.db.instance.count({ where: { ownerId: auth.userId } });
    if (count >= this.config.instanceQuota) {
      throw ApiError.forbidden(`You have reached your limit of ${this.config.instanceQuota} instances.`, ApiErrorCode.QuotaExceeded);
    }
    const now = this.now();
    const id = newId<ControlInstanceId>();
    try {
      await this.db.instance.create({
        data: {
          id, ownerId: auth.userId, hostId: this.config.hostId, name, status: 'provisioning', power: 'on', statusJob: fromBackup ? JSON.stringify({ fromBackup }) : null,
          platformKey: this.box.seal(randomBytes(32).toString('hex')), createdAt: now, updatedAt: now,
        },
      });
    } catch (err) {
      if (uniqueViolation(err)?.includes('name')) throw ApiError.badRequest('Failed to create the instance.', NAME_TAKEN);
      throw err;
    }
    // Count again after the insert: two creates racing past the first check must not both stay.
    if ((await this.db.instance.count({ where: { ownerId: auth.userId } })) > this.config.instanceQuota) {
      await this.db.instance.deleteMany({ where: { id } });
      throw ApiError.forbidden(`You have reached your limit of ${this.config.instanceQuota} instances.`, ApiErrorCode.QuotaExceeded);
    }
    try {
      await this.jobs.enqueue('instance.provision', fromBackup ? { instanceId: id, fromBackup } : { instanceId: id }, this.config.hostId);
    } catch (err) {
      // Nothing half-made: without its job the row would sit in `provisioning` forever.
      await this.db.instance.deleteMany({ where: { id } });
      throw err;
    }
    return this.view(id);
  }

  /** Renames, powers on/off and edits secrets; secrets take effect at the next start. */
  async update(auth: AuthContext, id: string, patch: InstancePatch): Promise<InstanceView> {
    const row = await this.owned(auth, id);
    if (row.status === 'deleting') throw ApiError.conflict('This instance is being deleted.');
    if (patch.power !== undefined) await this.jobs.requireAvailable();
    const now = this.now();
    if (patch.name !== undefined && patch.name !== row.name) {
      try {
        await this.db.instance.update({ where: { id: row.id }, data: { name: patch.name, updatedAt: now } });
      } catch (err) {
        if (uniqueViolation(err)?.includes('name')) throw ApiError.badRequest('Failed to update the instance.', NAME_TAKEN);
        throw err;
      }
    }
    if (patch.secrets) await this.applySecrets(row.id as ControlInstanceId, patch.secrets, now);
    // Power on also restarts an instance that is down although its power is on (failed, or
    // stopped by a crash loop): that is how an owner retries after a failure.
    const restart = patch.power === 'on' && row.power === 'on' && (row.status === 'failed' || row.status === 'stopped');
    if (patch.power !== undefined && (patch.power !== row.power || restart)) {
      await this.db.instance.update({ where: { id: row.id }, data: { power: patch.power, updatedAt: now } });
      if (row.status !== 'provisioning') {
        try {
          await this.jobs.enqueue('instance.power', { instanceId: row.id, power: patch.power }, row.hostId);
        } catch (err) {
          await this.db.instance.update({ where: { id: row.id }, data: { power: row.power } });
          throw err;
        }
      }
    }
    return this.view(row.id as ControlInstanceId);
  }

  /** Marks the instance `deleting` and queues its removal (data dir, process, rows; its backups too when asked). */
  async remove(auth: AuthContext, id: string, deleteBackups = false): Promise<InstanceView> {
    const row = await this.owned(auth, id);
    await this.jobs.requireAvailable();
    const statusJob = deleteBackups ? JSON.stringify({ deleteBackups: true }) : null;
    await this.db.instance.update({ where: { id: row.id }, data: { status: 'deleting', statusReason: null, statusJob, updatedAt: this.now() } });
    // If Redis fails right here, the worker's reconciler queues the removal of `deleting` rows.
    await this.jobs.enqueue('instance.deprovision', deleteBackups ? { instanceId: row.id, deleteBackups: true } : { instanceId: row.id }, row.hostId);
    // Its scheduled backups stop (also when the row read above predates a schedule set
    // meanwhile); the archives themselves stay until the user deletes them.
    await this.jobs.scheduleBackups(row.id, row.hostId, null);
    return this.view(row.id as ControlInstanceId);
  }

  /** The decrypted secrets of one of the caller's instances. */
  async secrets(auth: AuthContext, id: string): Promise<Array<{ name: string; value: string; updatedAt: string }>> {
    const row = await this.owned(auth, id);
    const secrets = await this.db.secret.findMany({ where: { instanceId: row.id }, orderBy: { name: 'asc' } });
    return secrets.map((s) => ({ name: s.name, value: this.box.open(s.value), updatedAt: s.updatedAt.toISOString() }));
  }

  /** The row of one of the caller's instances; 404 for a bad id, a missing one or someone else's. */
  async owned(auth: AuthContext, id: string): Promise<Instance> {
    const instanceId = parseId<ControlInstanceId>(id);
    const row = instanceId && (await this.db.instance.findFirst({ where: { id: instanceId, ownerId: auth.userId as UserId } }));
    if (!row) throw ApiError.notFound('Instance not found.');
    return row;
  }

  /** 409 when the instance's database is in LiteFS (replicated): what needs a plain data.db (in-place restore, continuous backup) is refused. */
  async assertNotReplicated(row: Instance, what: string): Promise<void> {
    const primary = await this.db.instanceNode.findFirst({ where: { instanceId: row.id, role: 'primary', status: 'running' } });
    if (primary) throw ApiError.conflict(`${what} is not available for an instance with read replicas (its database is in LiteFS); restore a backup as a new instance instead.`);
  }

  private async view(id: ControlInstanceId): Promise<InstanceView> {
    const row = await this.db.instance.findUniqueOrThrow({ where: { id }, include: { secrets: { select: { name: true } } } });
    return toInstanceView(this.config, row, await this.runs.latestFor(id));
  }

  private async applySecrets(instanceId: ControlInstanceId, secrets: Record<string, string | null>, now: Date): Promise<void> {
    const removed = Object.entries(secrets).filter(([, v]) => v === null).map(([k]) => k);
    const set = Object.entries(secrets).filter((e): e is [string, string] => e[1] !== null);
    await this.db.$transaction([
      this.db.secret.deleteMany({ where: { instanceId, name: { in: removed } } }),
      ...set.map(([name, value]) => this.db.secret.upsert({
        where: { instanceId_name: { instanceId, name } },
        create: { instanceId, name, value: this.box.seal(value), updatedAt: now },
        update: { value: this.box.seal(value), updatedAt: now },
      })),
    ]);
  }
}
