/**
 * Where a request of a replicated instance goes (DESIGN.md §6). Writes, realtime, files and
 * the other primary-only paths go to the primary. Reads are spread round-robin over the
 * replicas that run, were not seen failing in the last seconds, are within the lag limit, and
 * have applied the client's last write: the `txnum` cookie the primary set, or, for clients
 * that keep no cookies (the SDK in Node), the number the proxy remembered for their
 * Authorization header. When no replica qualifies, the primary serves the read.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { replicaServesReads, txnumFromCookie } from '@burrow/contracts';
import type { Endpoint, InstanceId, InstanceRuntime } from '@burrow/runtime';
import type { InstanceRecord } from './directory.js';
import { TtlCache } from './ttl_cache.js';

/** A replicated instance's nodes, as the directory knows them. */
export interface ClusterRecord {
  /** The primary's LiteFS hostname (what `fly-replay: instance=` names). */
  primaryHostname: string;
  /** Runtime ids of its replicas that are meant to run. */
  replicas: InstanceId[];
}

/** A replica that can take reads, and the transaction it had applied when last looked at. */
interface LiveReplica {
  id: InstanceId;
  endpoint: Endpoint;
  txid: number;
}

/** Options of a ReplicaRouter. */
export interface ReplicaRouterOptions {
  runtime: InstanceRuntime;
  /** A replica further behind than this gets no reads (ms). */
  maxLagMs: number;
  /** How long an instance's replica states are reused (ms, default 200). */
  stateTtlMs?: number;
  /** How long a node that failed a request is left out (ms, default 3 000). */
  downMs?: number;
  now?: () => number;
}

/** Picks the node of each request of replicated instances. */
export class ReplicaRouter {
  private readonly live: TtlCache<string, Promise<LiveReplica[]>>;
  private readonly downUntil = new Map<string, number>();
  private readonly turn = new Map<string, number>();
  /** Last write's transaction number per instance and Authorization header (hashed). */
  private readonly lastWrite: TtlCache<string, number>;
  private readonly now: () => number;

  constructor(private readonly opts: ReplicaRouterOptions) {
    this.now = opts.now ?? Date.now;
    this.live = new TtlCache({ ttlMs: opts.stateTtlMs ?? 200, maxEntries: 10_000, now: this.now });
    this.lastWrite = new TtlCache({ ttlMs: 60_000, maxEntries: 100_000, now: this.now });
  }

  /** The transaction the client must see: its cookie's, or the one remembered for its credentials. */
  requiredTx(record: InstanceRecord, req: IncomingMessage): number {
    const fromCookie = txnumFromCookie(req.headers.cookie) ?? 0;
    const key = this.clientKey(record, req);
    const remembered = key === undefined ? 0 : (this.lastWrite.get(key)?.value ?? 0);
    return Math.max(fromCookie, remembered);
  }

  /** Notes the transaction number of a client's write, for its next reads. */
  rememberWrite(record: InstanceRecord, req: IncomingMessage, txnum: number): void {
    const key = this.clientKey(record, req);
    if (key === undefined) return;
    const before = this.lastWrite.get(key)?.value ?? 0;
    if (txnum > before) this.lastWrite.set(key, txnum);
  }

  /** Replicas able to serve a read needing transaction `required`, in round-robin order, with their endpoints. */
  async readers(record: InstanceRecord, cluster: ClusterRecord, required: number): Promise<Array<{ id: InstanceId; endpoint: Endpoint }>> {
    const now = this.now();
    const live = (await this.liveReplicas(record, cluster)).filter((r) => r.txid >= required && !this.isDown(r.id, now));
    if (live.length < 2) return live;
    const start = (this.turn.get(record.id) ?? 0) % live.length;
    this.turn.set(record.id, start + 1);
    return [...live.slice(start), ...live.slice(0, start)];
  }

  /**
   * The replicas that run and are within the lag limit (or at the primary's transaction), with
   * their positions: looked up at most every `stateTtlMs` per instance, not per request.
   */
  private liveReplicas(record: InstanceRecord, cluster: ClusterRecord): Promise<LiveReplica[]> {
    const key = `${record.id}|${cluster.replicas.join(',')}`;
    const hit = this.live.get(key);
    if (hit) return hit.value;
    const lookup = this.lookUp(record, cluster);
    this.live.set(key, lookup);
    lookup.catch(() => this.live.delete(key));
    return lookup;
  }

  private async lookUp(record: InstanceRecord, cluster: ClusterRecord): Promise<LiveReplica[]> {
    const replication = this.opts.runtime.replication?.bind(this.opts.runtime);
    if (!replication) return [];
    // A replica at the primary's transaction has nothing to catch up, however long ago it heard a heartbeat.
    const primaryTx = (await replication(record.id))?.txid ?? Number.POSITIVE_INFINITY;
    const checked = await Promise.all(
      cluster.replicas.map(async (id): Promise<LiveReplica | undefined> => {
        const [status, state] = await Promise.all([this.opts.runtime.status(id), replication(id)]);
        if (status.state !== 'running' || !status.endpoint || !state) return undefined;
        if (!replicaServesReads(state, primaryTx, this.opts.maxLagMs)) return undefined;
        return { id, endpoint: status.endpoint, txid: state.txid };
      }),
    );
    return checked.filter((x): x is LiveReplica => x !== undefined);
  }

  private isDown(id: InstanceId, now: number): boolean {
    const until = this.downUntil.get(id);
    if (until === undefined) return false;
    if (until > now) return true;
    this.downUntil.delete(id); // back in: the map only holds nodes that are down
    return false;
  }

  /** Leaves a node out for a while (it refused a connection or broke one). */
  markDown(id: InstanceId): void {
    this.downUntil.set(id, this.now() + (this.opts.downMs ?? 3_000));
  }

  /**
   * Who a client is, for its last write: the record its token belongs to (the `collectionId` and
   * `id` claims of PocketBase's JWT, read without checking the signature: it only picks a node,
   * never grants anything), so a refreshed token keeps it; else the raw header, hashed.
   */
  private clientKey(record: InstanceRecord, req: IncomingMessage): string | undefined {
    const auth = req.headers.authorization;
    if (!auth) return undefined;
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : auth;
    const subject = tokenSubject(token);
    return `${record.id}:${subject ?? createHash('sha256').update(auth).digest('base64url')}`;
  }
}

/** `<collectionId>/<id>` from a JWT's payload, or undefined when it is not one. */
function tokenSubject(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload || payload.length > 4096) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { id?: unknown; collectionId?: unknown };
    return typeof claims.id === 'string' && typeof claims.collectionId === 'string' ? `${claims.collectionId}/${claims.id}` : undefined;
  } catch {
    return undefined;
  }
}
