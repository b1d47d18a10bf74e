/**
 * Re-queues work the control DB asks for but no queue holds: an api that wrote `provisioning`
 * or `deleting` and died before queueing, or a Redis that lost its jobs; at boot it also sets
 * the backup job schedulers of the rows again and stops and removes the containers (or
 * processes) of instances that no longer exist. Their data (volume, data dir) is kept and
 * reported: a control DB pointed at the wrong place must never wipe the tenants' data. Runs at boot and then every `reconcileIntervalMs`.
 */
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ControlInstanceId, InstanceStore } from '@burrow/db';
import type { JobProducer } from '@burrow/jobs';
import type { InstanceRuntime } from '@burrow/runtime';
import type { WorkerSettings } from './settings.js';
import { INSTANCES, PRODUCER, RUNTIME, SETTINGS } from './tokens.js';

/** Periodic pass over this host's instances. */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(Reconciler.name);
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private schedulesSynced = false;

  /** Takes the settings, the instance rows and the producer. */
  constructor(
    @Inject(SETTINGS) private readonly settings: WorkerSettings,
    @Inject(INSTANCES) private readonly instances: InstanceStore,
    @Inject(PRODUCER) private readonly producer: JobProducer,
    @Inject(RUNTIME) private readonly runtime: Pick<InstanceRuntime, 'list' | 'remove'>,
  ) {}

  /** Nest lifecycle: first pass now, then on a timer that does not keep the process alive. */
  onApplicationBootstrap(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.settings.reconcileIntervalMs);
    this.timer.unref();
  }

  /** Nest lifecycle: no new pass; wait for the current one. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.pass;
  }

  /** One pass; returns the ids of the jobs it queued. */
  async reconcile(): Promise<string[]> {
    const queued: string[] = [];
    const rows = await this.instances.listByHost(this.settings.hostId);
    const nodes = (await Promise.all(rows.map((r) => this.instances.nodes.forInstance(r.id as ControlInstanceId)))).flat();
    if (!this.schedulesSynced) {
      // Once per boot: the rows are the truth of backup schedules; a Redis that lost its
      // job schedulers gets them back (setting one again is harmless).
      for (const row of rows) if (row.backupCron && row.status !== 'deleting') await this.producer.scheduleBackups(row.id, this.settings.hostId, row.backupCron);
      await this.removeOrphans(new Set([...rows.map((r) => r.id), ...nodes.map((n) => n.id)]));
      this.schedulesSynced = true;
    }
    for (const row of rows) {
      // With the options the api gave the job (a provisioning from a backup, a delete with its
      // backups); the worker checks them like any payload.
      const payload = { ...statusJobOptions(row.statusJob), instanceId: row.id };
      const name = row.status === 'provisioning' ? 'instance.provision' : row.status === 'deleting' ? 'instance.deprovision' : undefined;
      // Only what is not pending counts as re-queued (enqueue would skip it anyway).
      if (!name || (await this.producer.isPending(name, payload, this.settings.hostId))) continue;
      queued.push(await this.producer.enqueue(name, payload, this.settings.hostId));
    }
    for (const node of nodes) {
      const name = node.role !== 'replica' ? undefined : node.status === 'provisioning' ? 'replica.add' : node.status === 'deleting' ? 'replica.remove' : undefined;
      const payload = { instanceId: node.instanceId, nodeId: node.id };
      if (!name || (await this.producer.isPending(name, payload, this.settings.hostId))) continue;
      queued.push(await this.producer.enqueue(name, payload, this.settings.hostId));
    }
    if (queued.length > 0) this.log.log(`re-queued ${queued.join(', ')}`);
    return queued;
  }

  /** Stops and removes what runs for instances that have no row on this host; keeps (and reports) their data. */
  private async removeOrphans(known: Set<string>): Promise<void> {
    for (const found of await this.runtime.list()) {
      if (known.has(found.id)) continue;
      this.log.warn(`instance ${found.id} has no row: its ${found.state === 'stopped' ? 'leftovers are' : 'tenant is'} removed, its data kept (delete it by hand once you are sure)`);
      await this.runtime.remove(found.id, { keepVolume: true });
    }
  }

  private tick(): void {
    if (this.pass) return;
    this.pass = this.reconcile()
      .then(() => undefined, (err: unknown) => this.log.warn(`reconcile failed (next pass in ${this.settings.reconcileIntervalMs} ms): ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => { this.pass = undefined; });
  }
}

/** The JSON options stored with a status (an object), or none when absent or unreadable. */
function statusJobOptions(raw: string | null): Record<string, unknown> {
  if (!raw) return {};
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
