/** Where the proxy looks instances up by name, and the only status writes it may make. */
import type { InstanceStatus } from '@burrow/contracts';
import type { ContinuousBackupSpec, InstanceId, LiteFsNodeSpec } from '@burrow/runtime';
import type { ClusterRecord } from './replicas.js';

/** Instance status as the control plane records it (DESIGN.md §4), re-exported from @burrow/contracts. */
export type { InstanceStatus };

/** What the proxy needs to know about one instance. */
export interface InstanceRecord {
  /** Runtime id of the instance. */
  id: InstanceId;
  /** Public name, the `<name>` of `<name>.<BASE_DOMAIN>`. */
  name: string;
  /** Desired/recorded status. */
  status: InstanceStatus;
  /** The instance's own environment (secrets), passed to `runtime.start` on wake. */
  env: Record<string, string>;
  /** Continuous backup, when the instance has it on (passed to `runtime.start` on wake). */
  continuousBackup?: ContinuousBackupSpec;
  /** A replicated instance: the LiteFS spec of its primary (passed to `runtime.start` on wake). */
  litefs?: LiteFsNodeSpec;
  /** A replicated instance: its read replicas, where the proxy spreads reads (replicas.ts). */
  cluster?: ClusterRecord;
}

/** The statuses the proxy writes: after a wake, after an idle stop, after the runtime gave up. */
export type ProxyWrittenStatus = 'running' | 'sleeping' | 'failed';

/**
 * The only status each proxy write may replace. The api and the worker own every other move
 * (provisioning, stopped, deleting), so a proxy write that races one of theirs loses.
 */
export const PROXY_TRANSITIONS: Readonly<Record<ProxyWrittenStatus, readonly InstanceStatus[]>> = {
  running: ['sleeping'],
  sleeping: ['running'],
  failed: ['running', 'sleeping'],
};

/** Options of one lookup. */
export interface FindOptions {
  /** Bypass any cache (the wake path: a start must not act on a status that changed meanwhile). */
  fresh?: boolean;
}

/** Lookup and status recording used by the proxy. */
export interface InstanceDirectory {
  /** The instance named `name`, or undefined. */
  findByName(name: string, opts?: FindOptions): Promise<InstanceRecord | undefined>;
  /** Moves the status along PROXY_TRANSITIONS; resolves false (and writes nothing) from any other status. */
  markStatus(id: InstanceId, status: ProxyWrittenStatus, reason?: string): Promise<boolean>;
}

/** An in-memory directory with the same transition rules as the control DB, for tests. */
export class MemoryInstanceDirectory implements InstanceDirectory {
  private readonly byName = new Map<string, InstanceRecord>();

  /** Starts with the given records. */
  constructor(records: InstanceRecord[] = []) {
    for (const record of records) this.put(record);
  }

  /** Adds or replaces a record (keyed by name), as the api or worker would write it. */
  put(record: InstanceRecord): void {
    this.byName.set(record.name, { ...record, env: { ...record.env } });
  }

  /** A copy of the record named `name` (there is no cache to bypass). */
  async findByName(name: string, _opts?: FindOptions): Promise<InstanceRecord | undefined> {
    const record = this.byName.get(name);
    return record === undefined ? undefined : { ...record, env: { ...record.env } };
  }

  /** Moves the status of the record with this id along PROXY_TRANSITIONS. */
  async markStatus(id: InstanceId, status: ProxyWrittenStatus): Promise<boolean> {
    for (const record of this.byName.values()) {
      if (record.id !== id || !PROXY_TRANSITIONS[status].includes(record.status)) continue;
      record.status = status;
      return true;
    }
    return false;
  }
}
