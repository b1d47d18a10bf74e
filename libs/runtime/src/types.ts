/** The InstanceRuntime contract (DESIGN.md §4): what every driver (process, docker) offers. */
import type { ReplicaTarget, ReplicationTiming } from '@burrow/litestream';
import type { InstanceId } from './instance_id.js';

export type { InstanceId } from './instance_id.js';

/** Optional resource limits; the process driver ignores them, the docker driver enforces them. */
export interface ResourceLimits {
  /** Memory limit in MiB. */
  memoryMb?: number;
  /** CPU share (1.5 = one and a half cores). */
  cpus?: number;
  /** Maximum number of processes/threads. */
  pids?: number;
}

/** What to run: one instance, its own settings and secrets only. */
export interface InstanceSpec {
  /** Which instance. */
  id: InstanceId;
  /** The instance's own environment (secrets, settings); never the platform's. */
  env: Record<string, string>;
  /** Resource limits (docker driver). */
  limits?: ResourceLimits;
  /**
   * Runs this as one node of a LiteFS cluster (DESIGN.md §6): `litefs mount` with the tenant
   * under it on the mount (`--db-dir`). Process driver only; the docker driver refuses it.
   */
  litefs?: LiteFsNodeSpec;
  /** Continuous backup of its data.db with Litestream (to a place outside its volume). */
  continuousBackup?: ContinuousBackupSpec;
}

/** One LiteFS node of a replicated instance (a primary, or a replica streaming from it). */
export interface LiteFsNodeSpec {
  role: 'primary' | 'replica';
  /** This node's LiteFS API port on the runtime's loopback host (fixed: replicas stream from the primary's). */
  port: number;
  /** The primary's LiteFS API URL (`http://127.x.x.x:<port>`); the primary's own on the primary. */
  primaryUrl: string;
  /** The cluster's primary hostname (what `.primary` says on replicas; never the machine's hostname). */
  primaryHostname: string;
  /** The primary's runtime id: a replica runs the primary's code (`hooks/`, deployed there). */
  primaryId: InstanceId;
}

/** Where and how often an instance's database is replicated by Litestream. */
export interface ContinuousBackupSpec {
  target: ReplicaTarget;
  timing?: ReplicationTiming;
}

/** Where a running instance answers HTTP. */
export interface Endpoint {
  /** Loopback (or container network) address. */
  host: string;
  /** TCP port. */
  port: number;
  /** Base URL, `http://<host>:<port>`. */
  url: string;
}

/** Lifecycle states of an instance as the runtime sees it. */
export type RuntimeState = 'absent' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/** How the instance's last process ended. */
export interface ExitInfo {
  /** Exit code, or null when killed by a signal or unknown (adopted processes). */
  code: number | null;
  /** Signal name when killed by one. */
  signal: string | null;
  /** When the runtime noticed the exit (ISO). */
  at: string;
}

/** A snapshot of one instance's runtime state. */
export interface RuntimeStatus {
  /** Current state. */
  state: RuntimeState;
  /** Where it answers (running only). */
  endpoint?: Endpoint;
  /** Host process id (running/stopping only). */
  pid?: number;
  /** Automatic restarts after crashes since the last explicit start. */
  restarts: number;
  /** Why it failed (failed only): includes the last log lines. */
  reason?: string;
  /** When the current process started (ISO). */
  startedAt?: string;
  /** How the last process of this instance ended, as far as this runtime saw it. */
  lastExit?: ExitInfo;
}

/** One entry of `list()`. */
export interface RuntimeInstance extends RuntimeStatus {
  /** Which instance. */
  id: InstanceId;
}

/** One line of an instance's log. */
export interface LogLine {
  /** When it was written or, for raw tenant output without a timestamp, read (ISO). */
  time: string;
  /** Which stream; `system` lines are written by the runtime itself. */
  stream: 'stdout' | 'stderr' | 'system';
  /** The text without its line break. */
  text: string;
}

/** Options of `logs()`. */
export interface LogOptions {
  /** Keep yielding new lines until `signal` aborts. */
  follow?: boolean;
  /** How many past lines to yield first (default 200; 0 for none). */
  tail?: number;
  /** Ends a follow (and the iteration) when aborted. */
  signal?: AbortSignal;
}

/** The contract every driver implements (DESIGN.md §4). */
export interface InstanceRuntime {
  /** Starts the instance, or returns the endpoint it already runs on (idempotent). */
  start(spec: InstanceSpec): Promise<Endpoint>;
  /** Stops it gracefully (SIGTERM, then SIGKILL after graceMs); a no-op when not running. */
  stop(id: InstanceId, opts?: { graceMs?: number }): Promise<void>;
  /** Its current state. */
  status(id: InstanceId): Promise<RuntimeStatus>;
  /** Every instance this runtime finds (running ones are adopted after a restart: no orphans). */
  list(): Promise<RuntimeInstance[]>;
  /** Its log: the last `tail` lines, then new ones with `follow`. */
  logs(id: InstanceId, opts?: LogOptions): AsyncIterable<LogLine>;
  /** Stops it and deletes its files (only its runtime state with keepVolume). */
  remove(id: InstanceId, opts?: { keepVolume?: boolean }): Promise<void>;
  /**
   * Writes a backup archive of its data to `out` (PocketBase's format, checked), whether it
   * runs, sleeps or is stopped, without starting it; its writers carry on meanwhile.
   */
  backup(id: InstanceId, out: string, opts?: BackupOptions): Promise<{ size: number }>;
  /**
   * Replaces its data with a backup archive's (checked first; nothing changes on a bad
   * archive). Refused while it runs: stop it first.
   */
  restore(id: InstanceId, archive: string, opts?: BackupOptions): Promise<void>;
  /**
   * Runs `burrow-tenant <args> --dir <its data dir>` where the instance's files are (a child
   * process, or a one-off container on its volume), with `stdin` as its input; resolves with
   * its output, rejects with RuntimeError `command_failed` and its error output.
   */
  tenantCommand(id: InstanceId, args: string[], opts?: { stdin?: string }): Promise<string>;
  /**
   * LiteFS (drivers that run replicated instances): moves the stopped instance's data.db into
   * LiteFS as the primary `node` (`litefs import`; the plain file is kept in its runtime state as
   * the undo). A no-op when it was imported before. Refused while the instance runs.
   */
  litefsImport?(id: InstanceId, node: LiteFsNodeSpec): Promise<void>;
  /** LiteFS: a running node's replication state, undefined when it is not one or not mounted. */
  replication?(id: InstanceId): Promise<ReplicationState | undefined>;
}

/** Where a LiteFS node stands. */
export interface ReplicationState {
  /** The last transaction applied on this node. */
  txid: number;
  /** LiteFS's checksum of the whole database after it. */
  checksum: string;
  /** Milliseconds since a replica last heard from its primary (0 on the primary). */
  lagMs: number;
  /** The primary's hostname as a replica sees it; undefined on the primary. */
  primary: string | undefined;
}

/** Options of InstanceRuntime.backup. */
export interface BackupOptions {
  /** Progress as a fraction in [0, 1] and a step name. */
  onProgress?: (fraction: number, step: string) => void;
  /** Aborts the backup (the partial archive is removed). */
  signal?: AbortSignal;
  /**
   * backup(): take `data.db` from this directory instead of the instance's (a point-in-time
   * restore's result); the rest (auxiliary.db, storage/) is the instance's own.
   */
  databaseDir?: string;
  /** backup(): no compression (an archive restored right away): several times faster, larger. */
  store?: boolean;
}

/** A change of one instance's state, as drivers report it. */
export interface StateChange {
  /** Which instance. */
  id: InstanceId;
  /** The state before. */
  from: RuntimeState;
  /** The status after. */
  status: RuntimeStatus;
}

/** What every driver offers beyond the contract: state-change events and a clean detach. */
export interface InstanceRuntimeDriver extends InstanceRuntime {
  /** Calls `listener` on every state change; returns the unsubscribe function. */
  onStateChange(listener: (change: StateChange) => void): () => void;
  /** Stops supervising (timers, watchers) without stopping any instance. */
  close(): Promise<void>;
}
