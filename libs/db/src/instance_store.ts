/**
 * Instance rows as the worker and the proxy use them (no owner check: they act for the
 * platform). The api's owner-scoped queries live in the api. Status writes never throw for
 * a row that is gone (the instance may have been deleted meanwhile).
 */
import type { InstanceStatus } from '@burrow/contracts';
import type { ControlDb } from './client.js';
import type { Instance } from './generated/sqlite/client.js';
import type { ControlInstanceId, HostId } from './ids.js';
import { InstanceNodeStore } from './node_store.js';
import type { SecretBox } from './secret_box.js';

/** Name of the tenant env var carrying the instance's platform key (read by burrow-tenant serve). */
export const PLATFORM_KEY_ENV = 'BURROW_PLATFORM_KEY';

/** Reads and updates instances for platform processes. */
export class InstanceStore {
  /** The LiteFS nodes of replicated instances. */
  readonly nodes: InstanceNodeStore;

  constructor(private readonly db: ControlDb, private readonly box: SecretBox) {
    this.nodes = new InstanceNodeStore(db);
  }

  /** The instance with this id, or null. */
  byId(id: ControlInstanceId): Promise<Instance | null> {
    return this.db.instance.findUnique({ where: { id } });
  }

  /** The instance with this name, or null. */
  byName(name: string): Promise<Instance | null> {
    return this.db.instance.findUnique({ where: { name } });
  }

  /** Every instance placed on a host. */
  listByHost(hostId: HostId): Promise<Instance[]> {
    return this.db.instance.findMany({ where: { hostId }, orderBy: { createdAt: 'asc' } });
  }

  /** Records a status (and why, for `failed`); returns false when the row is gone. */
  async setStatus(id: ControlInstanceId, status: InstanceStatus, reason: string | null = null): Promise<boolean> {
    const r = await this.db.instance.updateMany({ where: { id }, data: { status, statusReason: reason, updatedAt: new Date() } });
    return r.count > 0;
  }

  /** Like setStatus, but only when the current status is one of `from` (no lost updates between processes). */
  async moveStatus(id: ControlInstanceId, from: readonly InstanceStatus[], status: InstanceStatus, reason: string | null = null): Promise<boolean> {
    const r = await this.db.instance.updateMany({ where: { id, status: { in: [...from] } }, data: { status, statusReason: reason, updatedAt: new Date() } });
    return r.count > 0;
  }

  /** The tenant's environment: its own secrets, decrypted, plus its platform key. */
  async runtimeEnv(instance: Instance): Promise<Record<string, string>> {
    const secrets = await this.db.secret.findMany({ where: { instanceId: instance.id } });
    const env: Record<string, string> = {};
    for (const s of secrets) env[s.name] = this.box.open(s.value);
    env[PLATFORM_KEY_ENV] = this.box.open(instance.platformKey);
    return env;
  }
}
