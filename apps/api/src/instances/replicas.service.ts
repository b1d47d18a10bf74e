/**
 * Read replicas of an instance (LiteFS, DESIGN.md §6): list the nodes with their role, lag and
 * health; add one (a `replica.add` job: the first also moves the database into LiteFS); remove
 * one (`replica.remove`). The number of replicas one account may run is REPLICA_QUOTA.
 */
import { existsSync } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import type { PlatformConfig } from '@burrow/config';
import { replicaServesReads } from '@burrow/contracts';
import { InstanceNodeStore, NodePortsExhaustedError, type ControlDb, type ControlInstanceId, type InstanceNode } from '@burrow/db';
import { fuseProblem } from '@burrow/litefs';
import type { JobProducer } from '@burrow/jobs';
import { parseInstanceId, type InstanceRuntime } from '@burrow/runtime';
import type { AuthContext } from '../auth/auth_context.js';
import { ApiError, ApiErrorCode } from '../common/api_error.js';
import { CONFIG, DB, JOBS, RUNTIME } from '../common/tokens.js';
import { InstancesService } from './instances.service.js';

/** One node as the console shows it. */
export interface NodeView {
  id: string;
  role: 'primary' | 'replica';
  /** provisioning | running | failed | deleting (the row's), see `healthy` for now. */
  status: string;
  statusReason: string | null;
  /** Serving, and (replicas) within the lag limit. */
  healthy: boolean;
  /** Milliseconds since a replica last heard from its primary (0 on the primary); null when not running. */
  lagMs: number | null;
  /** The last transaction applied on the node; null when not running. */
  txid: number | null;
  createdAt: string;
}

/** The replicas tab. */
export interface ReplicasView {
  /** The instance's database is in LiteFS (it has or had replicas). */
  replicated: boolean;
  /** Replicas over all your instances, and how many you may have. */
  quota: { used: number; limit: number };
  /** A replica lagging more than this gets no reads (ms). */
  maxLagMs: number;
  nodes: NodeView[];
}

/** What adding or removing answers. */
export interface ReplicaQueued {
  node: NodeView;
  jobId: string;
}

@Injectable()
export class ReplicasService {
  private readonly nodes: InstanceNodeStore;

  constructor(
    @Inject(InstancesService) private readonly instances: InstancesService,
    @Inject(DB) db: ControlDb,
    @Inject(JOBS) private readonly jobs: JobProducer,
    @Inject(RUNTIME) private readonly runtime: InstanceRuntime,
    @Inject(CONFIG) private readonly config: PlatformConfig,
  ) {
    this.nodes = new InstanceNodeStore(db);
  }

  /** The instance's nodes, live. */
  async list(auth: AuthContext, id: string): Promise<ReplicasView> {
    const row = await this.instances.owned(auth, id);
    const nodes = await this.nodes.forInstance(row.id as ControlInstanceId);
    return {
      replicated: nodes.some((n) => n.role === 'primary' && n.status === 'running'),
      quota: { used: await this.nodes.replicasOfOwner(auth.userId), limit: this.config.replicas.quota },
      maxLagMs: this.config.replicas.maxLagMs,
      nodes: await this.views(nodes),
    };
  }

  /** Adds a replica (queued); the checks come first so a refusal changes nothing. */
  async add(auth: AuthContext, id: string): Promise<ReplicaQueued> {
    const row = await this.instances.owned(auth, id);
    const unavailable = this.unavailableReason();
    if (unavailable) throw ApiError.badRequest('Read replicas are not available on this platform.', { replicas: { code: 'validation_not_supported', message: unavailable } });
    if (row.status !== 'running') throw ApiError.conflict(`This instance is ${row.status}: replicas are added to a running instance.`);
    if (row.continuousBackup) {
      throw ApiError.conflict('Turn continuous backup off first: an instance replicated with LiteFS is backed up by its scheduled backups.');
    }
    const limit = this.config.replicas.quota;
    if ((await this.nodes.replicasOfOwner(auth.userId)) >= limit) {
      throw ApiError.forbidden(limit === 0 ? 'Read replicas are not enabled for your account.' : `You have reached your limit of ${limit} read replicas.`, ApiErrorCode.QuotaExceeded);
    }
    await this.jobs.requireAvailable();
    let node: InstanceNode;
    try {
      node = await this.nodes.addReplica(row.id as ControlInstanceId);
    } catch (err) {
      if (err instanceof NodePortsExhaustedError) throw ApiError.unavailable('No LiteFS port is free on this host; remove unused replicas or try later.', 60);
      throw err;
    }
    // Counted again after the insert: two adds racing past the check must not both stay.
    if ((await this.nodes.replicasOfOwner(auth.userId)) > limit) {
      await this.nodes.remove(node.id);
      throw ApiError.forbidden(`You have reached your limit of ${limit} read replicas.`, ApiErrorCode.QuotaExceeded);
    }
    try {
      const jobId = await this.jobs.enqueue('replica.add', { instanceId: row.id, nodeId: node.id }, row.hostId);
      return { node: (await this.views([node]))[0] as NodeView, jobId };
    } catch (err) {
      await this.nodes.remove(node.id);
      throw err;
    }
  }

  /** Removes a replica (queued); the primary goes only with its instance. */
  async remove(auth: AuthContext, id: string, nodeId: string): Promise<ReplicaQueued> {
    const row = await this.instances.owned(auth, id);
    const node = await this.nodes.byId(nodeId);
    if (!node || node.instanceId !== row.id) throw ApiError.notFound('Replica not found.');
    if (node.role === 'primary') {
      throw ApiError.badRequest('The primary cannot be removed.', { node: { code: 'validation_primary_node', message: 'The primary node holds the database; it goes when the instance is deleted.' } });
    }
    await this.jobs.requireAvailable();
    await this.nodes.moveStatus(node.id, ['provisioning', 'running', 'failed'], 'deleting');
    const jobId = await this.jobs.enqueue('replica.remove', { instanceId: row.id, nodeId: node.id }, row.hostId);
    return { node: (await this.views([{ ...node, status: 'deleting' }]))[0] as NodeView, jobId };
  }

  /** Why replicas cannot run here, or undefined when they can. */
  private unavailableReason(): string | undefined {
    if (this.config.runtime !== 'process') return 'Instances run as Docker containers here; replicas need the process runtime (LiteFS mounts on the host).';
    if (!existsSync(this.config.replicas.litefsBin)) return `LiteFS is not installed (${this.config.replicas.litefsBin}); the setup builds it when run as root.`;
    const fuse = fuseProblem();
    return fuse ? `${fuse}: LiteFS cannot mount here.` : undefined;
  }

  /**
   * The nodes with their live state. A replica is healthy when it serves and is within the lag
   * limit, or at the primary's transaction (an idle replica has nothing to catch up) — the
   * proxy's rule for sending it reads.
   */
  private async views(nodes: InstanceNode[]): Promise<NodeView[]> {
    const live = await Promise.all(
      nodes.map(async (n) => {
        const runtimeId = parseInstanceId(n.id);
        const [status, state] = await Promise.all([this.runtime.status(runtimeId), this.runtime.replication?.(runtimeId)]);
        return status.state === 'running' ? state : undefined;
      }),
    );
    const primaryTx = live[nodes.findIndex((n) => n.role === 'primary')]?.txid ?? Number.POSITIVE_INFINITY;
    return nodes.map((n, i) => {
      const state = live[i];
      const lagMs = state ? (n.role === 'primary' ? 0 : state.lagMs) : null;
      const caughtUp = state !== undefined && (n.role === 'primary' || replicaServesReads(state, primaryTx, this.config.replicas.maxLagMs));
      return {
        id: n.id,
        role: n.role === 'primary' ? 'primary' : 'replica',
        status: n.status,
        statusReason: n.statusReason,
        healthy: caughtUp,
        lagMs,
        txid: state?.txid ?? null,
        createdAt: n.createdAt.toISOString(),
      };
    });
  }
}
