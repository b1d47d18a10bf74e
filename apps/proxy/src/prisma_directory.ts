/** The control DB behind the proxy: instance rows read through InstanceStore, cached briefly. */
import { INSTANCE_STATUSES, type InstanceStatus } from '@burrow/contracts';
import type { InstanceStore } from '@burrow/db';
import { platformReplica, type ReplicaStoreSettings } from '@burrow/litestream';
import { liteFsNodeSpec, parseInstanceId, type InstanceId } from '@burrow/runtime';
import {
  PROXY_TRANSITIONS,
  type FindOptions,
  type InstanceDirectory,
  type InstanceRecord,
  type ProxyWrittenStatus,
} from './directory.js';
import { TtlCache } from './ttl_cache.js';


/** Statuses whose lookups are cached (the hot path); other statuses are read fresh. */
const CACHED_STATUSES: ReadonlySet<string> = new Set(['running', 'sleeping']);
/** The part of InstanceStore the proxy uses (tests wrap it to count reads). */
export type InstanceRows = Pick<InstanceStore, 'byName' | 'moveStatus' | 'runtimeEnv' | 'nodes'>;

/** Options of PrismaInstanceDirectory. */
export interface PrismaDirectoryOptions {
  /** How long a lookup is reused (ms, default 1 000; 0 disables the cache). */
  cacheTtlMs?: number;
  /** Most names cached at once (default 10 000). */
  cacheMaxEntries?: number;
  /** Time source in ms (default `Date.now`). */
  now?: () => number;
  /** Where continuous backup replicas go (instances with it on); without it, wakes never replicate. */
  replicaStore?: ReplicaStoreSettings;
}

/**
 * InstanceDirectory over the control DB. Lookups (misses included) are cached for
 * `cacheTtlMs` and concurrent lookups of one name share one query, so a busy instance costs
 * the DB one read per TTL, not one per request. The proxy's own writes drop the entry at once;
 * writes by the api or worker are seen within the TTL (README: "Cache").
 */
export class PrismaInstanceDirectory implements InstanceDirectory {
  private readonly cache: TtlCache<string, InstanceRecord | undefined>;
  private readonly loading = new Map<string, Promise<InstanceRecord | undefined>>();
  /** Bumped by every invalidation: a load that started before one must not cache what it read. */
  private generation = 0;

  /** Reads and writes through `rows` (an InstanceStore). */
  constructor(
    private readonly rows: InstanceRows,
    opts: PrismaDirectoryOptions = {},
  ) {
    this.cache = new TtlCache({ ttlMs: opts.cacheTtlMs ?? 1_000, maxEntries: opts.cacheMaxEntries ?? 10_000, now: opts.now });
    this.replicaStore = opts.replicaStore;
  }

  private readonly replicaStore: ReplicaStoreSettings | undefined;

  /** The instance named `name` with its decrypted env (secrets + platform key), or undefined. */
  async findByName(name: string, opts: FindOptions = {}): Promise<InstanceRecord | undefined> {
    if (opts.fresh !== true) {
      const hit = this.cache.get(name);
      if (hit !== undefined) return copy(hit.value);
      const pending = this.loading.get(name);
      if (pending !== undefined) return copy(await pending);
    }
    const load = this.load(name);
    if (opts.fresh !== true) {
      this.loading.set(name, load);
      const done = (): void => {
        if (this.loading.get(name) === load) this.loading.delete(name);
      };
      load.then(done, done);
    }
    return copy(await load);
  }

  /** Moves the status with `moveStatus` along PROXY_TRANSITIONS, so api/worker writes always win. */
  async markStatus(id: InstanceId, status: ProxyWrittenStatus, reason?: string): Promise<boolean> {
    try {
      // Runtime ids of control-DB instances are the rows' ids (both brands are 'InstanceId').
      return await this.rows.moveStatus(id, PROXY_TRANSITIONS[status], status, reason ?? null);
    } finally {
      this.invalidate(id);
    }
  }

  private async load(name: string): Promise<InstanceRecord | undefined> {
    const generation = this.generation;
    const row = await this.rows.byName(name);
    let record: InstanceRecord | undefined;
    if (row !== null) {
      record = { id: parseInstanceId(row.id), name: row.name, status: parseStatus(row.status, row.name), env: await this.rows.runtimeEnv(row) };
      if (row.continuousBackup && this.replicaStore) record.continuousBackup = platformReplica(this.replicaStore, row.id);
      await this.addCluster(record);
    }
    // Servable instances and unknown names are cached; a refusal (stopped, provisioning,
    // failed...) is re-read every time, so the moment the worker marks it running it is served.
    if (generation === this.generation && (record === undefined || CACHED_STATUSES.has(record.status))) this.cache.set(name, record);
    return record;
  }

  /** A replicated instance (its primary node runs on LiteFS): the primary's spec and the replicas meant to run. */
  private async addCluster(record: InstanceRecord): Promise<void> {
    const nodes = await this.rows.nodes.forInstance(record.id);
    const primary = nodes.find((n) => n.role === 'primary' && n.status === 'running');
    if (!primary) return;
    record.litefs = liteFsNodeSpec(primary, primary.id, primary.litefsPort);
    const replicas = nodes.filter((n) => n.role === 'replica' && (n.status === 'running' || n.status === 'failed')).map((n) => parseInstanceId(n.id));
    record.cluster = { primaryHostname: record.litefs.primaryHostname, replicas };
  }

  private invalidate(id: InstanceId): void {
    this.generation += 1;
    this.cache.deleteWhere((record) => record?.id === id);
    this.loading.clear(); // later lookups must not join a load that may predate the write
  }
}

function parseStatus(value: string, name: string): InstanceStatus {
  const status = INSTANCE_STATUSES.find((s) => s === value);
  if (status === undefined) throw new Error(`instance ${name} has an unknown status ${JSON.stringify(value)}`);
  return status;
}

/** Callers get their own copy: cached records are shared between requests. */
function copy(record: InstanceRecord | undefined): InstanceRecord | undefined {
  if (record === undefined) return undefined;
  const out: InstanceRecord = { ...record, env: { ...record.env } };
  if (record.cluster) out.cluster = { ...record.cluster, replicas: [...record.cluster.replicas] };
  return out;
}
