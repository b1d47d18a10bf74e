/**
 * The LiteFS nodes of a replicated instance as the runtime runs them (DESIGN.md §6): the
 * primary (runtime id = the instance's) and its read replicas (`<instanceId>-r<n>`), all on
 * this host's loopback, each with the LiteFS port of its row. Replicas run with the instance's
 * own environment (same secrets and platform key: they serve the same app).
 */
import type { ControlInstanceId, Instance, InstanceNode, InstanceStore } from '@burrow/db';
import { liteFsNodeSpec, parseInstanceId, type InstanceRuntime, type InstanceSpec, type LiteFsNodeSpec } from '@burrow/runtime';

/** The runtime's LiteFS spec of `node` in the cluster led by `primary`. */
export function litefsSpec(node: InstanceNode, primary: InstanceNode): LiteFsNodeSpec {
  return liteFsNodeSpec(node, primary.id, primary.litefsPort);
}

/** The nodes of an instance: its primary (once its database is in LiteFS) and its replicas. */
export async function clusterOf(instances: InstanceStore, instance: Instance): Promise<{ primary: InstanceNode | undefined; replicas: InstanceNode[] }> {
  const nodes = await instances.nodes.forInstance(instance.id as ControlInstanceId);
  const primary = nodes.find((n) => n.role === 'primary' && n.status === 'running');
  return { primary, replicas: primary ? nodes.filter((n) => n.role === 'replica') : [] };
}

/** A replica's spec: the instance's env, LiteFS under the primary. */
export function replicaSpec(node: InstanceNode, primary: InstanceNode, env: Record<string, string>): InstanceSpec {
  return { id: parseInstanceId(node.id), env, litefs: litefsSpec(node, primary) };
}

/**
 * Starts the replicas that should run (running or failed rows) after their primary came up;
 * one that does not start is marked failed with the reason, the others carry on.
 */
export async function startReplicas(instances: InstanceStore, runtime: InstanceRuntime, instance: Instance, env: Record<string, string>): Promise<void> {
  const { primary, replicas } = await clusterOf(instances, instance);
  if (!primary) return;
  await Promise.all(
    replicas
      .filter((n) => n.status === 'running' || n.status === 'failed')
      .map(async (n) => {
        try {
          await runtime.start(replicaSpec(n, primary, env));
          await instances.nodes.moveStatus(n.id, ['running', 'failed'], 'running');
        } catch (err) {
          await instances.nodes.moveStatus(n.id, ['running', 'failed'], 'failed', err instanceof Error ? err.message : String(err));
        }
      }),
  );
}

/** Stops (or with `remove`, removes) every replica of the instance, before its primary goes. */
export async function stopReplicas(instances: InstanceStore, runtime: InstanceRuntime, instanceId: ControlInstanceId, remove = false): Promise<void> {
  const nodes = (await instances.nodes.forInstance(instanceId)).filter((n) => n.role === 'replica');
  await Promise.all(nodes.map((n) => (remove ? runtime.remove(parseInstanceId(n.id)) : runtime.stop(parseInstanceId(n.id)))));
}
