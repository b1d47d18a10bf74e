/**
 * LiteFS nodes of replicated instances (DESIGN.md §6): the primary (its id is the instance's)
 * and the read replicas (`<instanceId>-r<n>`). Each node has a LiteFS API port of its own,
 * unique across the platform, in a range outside the kernel's ephemeral ports (tenants listen on
 * those), so a node keeps its port across restarts: replicas find their primary by it.
 */
import type { ControlDb } from './client.js';
import { uniqueViolation } from './errors.js';
import type { InstanceNode } from './generated/sqlite/client.js';
import type { ControlInstanceId } from './ids.js';

/** A node's role. */
export type NodeRole = 'primary' | 'replica';

/** A node's life: `provisioning` (being added), `running`, `failed` (with a reason), `deleting`. */
export type NodeStatus = 'provisioning' | 'running' | 'failed' | 'deleting';

/** LiteFS API ports handed to nodes (below Linux's default ephemeral range, 32768-60999). */
export const LITEFS_PORTS = { first: 20200, last: 29999 } as const;

/** Every LiteFS port of the range is taken. */
export class NodePortsExhaustedError extends Error {
  constructor() {
    super(`no free LiteFS port left in ${LITEFS_PORTS.first}-${LITEFS_PORTS.last}`);
    this.name = 'NodePortsExhaustedError';
  }
}

/** Reads and writes instance nodes. */
export class InstanceNodeStore {
  constructor(private readonly db: ControlDb) {}

  /** The nodes of an instance: the primary first, then replicas in the order they were added. */
  async forInstance(instanceId: ControlInstanceId): Promise<InstanceNode[]> {
    const rows = await this.db.instanceNode.findMany({ where: { instanceId }, orderBy: { createdAt: 'asc' } });
    return rows.sort((a, b) => Number(b.role === 'primary') - Number(a.role === 'primary'));
  }

  /** One node, or null. */
  byId(id: string): Promise<InstanceNode | null> {
    return this.db.instanceNode.findUnique({ where: { id } });
  }

  /** Replicas the owner runs over all instances (those being removed no longer count). */
  replicasOfOwner(ownerId: string): Promise<number> {
    return this.db.instanceNode.count({ where: { role: 'replica', status: { not: 'deleting' }, instance: { ownerId } } });
  }

  /**
   * Adds a replica to the instance (and its primary node when the instance is not replicated
   * yet), each with a free LiteFS port; both rows start `provisioning`. Returns the replica.
   */
  async addReplica(instanceId: ControlInstanceId, now = new Date()): Promise<InstanceNode> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.$transaction(async (tx) => {
          const nodes = await tx.instanceNode.findMany({ where: { instanceId } });
          const used = new Set((await tx.instanceNode.findMany({ select: { litefsPort: true } })).map((n) => n.litefsPort));
          const nextPort = (): number => {
            for (let p = LITEFS_PORTS.first; p <= LITEFS_PORTS.last; p++) {
              if (!used.has(p)) {
                used.add(p);
                return p;
              }
            }
            throw new NodePortsExhaustedError();
          };
          if (!nodes.some((n) => n.role === 'primary')) {
            await tx.instanceNode.create({ data: { id: instanceId, instanceId, role: 'primary', litefsPort: nextPort(), status: 'provisioning', createdAt: now, updatedAt: now } });
          }
          const index = Math.max(0, ...nodes.map((n) => Number(/-r(\d+)$/.exec(n.id)?.[1] ?? 0))) + 1;
          return tx.instanceNode.create({
            data: { id: `${instanceId}-r${index}`, instanceId, role: 'replica', litefsPort: nextPort(), status: 'provisioning', createdAt: new Date(now.getTime() + 1), updatedAt: now },
          });
        });
      } catch (err) {
        // Another instance took the same port (or index) at the same moment: pick again.
        if (attempt < 5 && uniqueViolation(err)) continue;
        throw err;
      }
    }
  }

  /** Records a node's status (and why, for `failed`); false when the row is gone. */
  async setStatus(id: string, status: NodeStatus, reason: string | null = null): Promise<boolean> {
    const r = await this.db.instanceNode.updateMany({ where: { id }, data: { status, statusReason: reason, updatedAt: new Date() } });
    return r.count > 0;
  }

  /** Like setStatus, only from one of `from`. */
  async moveStatus(id: string, from: readonly NodeStatus[], status: NodeStatus, reason: string | null = null): Promise<boolean> {
    const r = await this.db.instanceNode.updateMany({ where: { id, status: { in: [...from] } }, data: { status, statusReason: reason, updatedAt: new Date() } });
    return r.count > 0;
  }

  /** Deletes a node's row. */
  async remove(id: string): Promise<void> {
    await this.db.instanceNode.deleteMany({ where: { id } });
  }
}
