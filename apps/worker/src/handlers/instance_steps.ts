/** Steps several handlers share, with the permanent failures they can hit made explicit. */
import type { InstanceStatus } from '@burrow/contracts';
import { UnrecoverableError } from 'bullmq';
import type { ControlInstanceId, Instance, InstanceStore } from '@burrow/db';
import { platformReplica, type ReplicaStoreSettings } from '@burrow/litestream';
import { parseInstanceId, type InstanceId, type InstanceSpec } from '@burrow/runtime';
import type { ControlRows } from '../control_rows.js';
import type { TenantAdmin } from '../tenant_admin.js';
import { clusterOf, litefsSpec } from './litefs_nodes.js';

/** The runtime's id of an instance (control ids are valid runtime ids: 15 lowercase characters). */
export function runtimeId(id: ControlInstanceId): InstanceId {
  return parseInstanceId(id);
}

/** Syncs the owner's current email and password hash into the tenant's `_superusers`. */
export async function syncOwner(rows: ControlRows, admin: TenantAdmin, instance: Instance, id: ControlInstanceId): Promise<'synced' | 'deferred'> {
  const owner = await rows.ownerCredentials(instance.ownerId);
  // The owner cannot come back by retrying: nobody could log in as this instance's admin.
  if (!owner) throw new UnrecoverableError(`the owner account of instance "${instance.name}" no longer exists`);
  return admin.sync(id, owner);
}

/** The tenant's environment (its decrypted secrets and platform key). */
export async function tenantEnv(instances: InstanceStore, instance: Instance): Promise<Record<string, string>> {
  try {
    return await instances.runtimeEnv(instance);
  } catch (err) {
    // A value that does not open was sealed with another key (SECRETS_KEY changed): retrying cannot help.
    throw new UnrecoverableError(`the secrets of instance "${instance.name}" cannot be decrypted (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** States of a built instance that power changes and restores apply to (not provisioning or deleting). */
export const SETTLED_STATUSES: readonly InstanceStatus[] = ['running', 'sleeping', 'stopped', 'failed'];

/**
 * What the runtime starts for `instance`: its env, continuous backup when it is on, and its
 * LiteFS primary node once its database moved into LiteFS (replicas, libs/litefs).
 */
export async function instanceSpec(instances: InstanceStore, replicaStore: ReplicaStoreSettings, instance: Instance): Promise<InstanceSpec> {
  const id = runtimeId(instance.id as ControlInstanceId);
  const env = await tenantEnv(instances, instance);
  const spec: InstanceSpec = { id, env };
  if (instance.continuousBackup) spec.continuousBackup = platformReplica(replicaStore, instance.id);
  const { primary } = await clusterOf(instances, instance);
  if (primary) spec.litefs = litefsSpec(primary, primary);
  return spec;
}
