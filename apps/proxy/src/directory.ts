/** Where the proxy looks instances up by name (the control DB later; in memory for now). */
import type { InstanceId } from '@burrow/runtime';

/** Instance status as the control plane records it (DESIGN.md §4). */
export type InstanceStatus = 'provisioning' | 'running' | 'sleeping' | 'stopped' | 'failed' | 'deleting';

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
}

/** Lookup and status recording used by the proxy. */
export interface InstanceDirectory {
  /** The instance named `name`, or undefined. */
  findByName(name: string): Promise<InstanceRecord | undefined>;
  /** Records a new status (the proxy marks `sleeping` after an idle stop and `running` after a wake). */
  markStatus(id: InstanceId, status: InstanceStatus): Promise<void>;
}

/** An in-memory directory, for tests and the dev entry until the control DB is wired in. */
export class MemoryInstanceDirectory implements InstanceDirectory {
  private readonly byName = new Map<string, InstanceRecord>();

  /** Starts with the given records. */
  constructor(records: InstanceRecord[] = []) {
    for (const record of records) this.put(record);
  }

  /** Adds or replaces a record (keyed by name). */
  put(record: InstanceRecord): void {
    this.byName.set(record.name, { ...record, env: { ...record.env } });
  }

  /** A copy of the record named `name`. */
  async findByName(name: string): Promise<InstanceRecord | undefined> {
    const record = this.byName.get(name);
    return record === undefined ? undefined : { ...record, env: { ...record.env } };
  }

  /** Sets the status of the record with this id (unknown ids are ignored). */
  async markStatus(id: InstanceId, status: InstanceStatus): Promise<void> {
    for (const record of this.byName.values()) if (record.id === id) record.status = status;
  }
}
