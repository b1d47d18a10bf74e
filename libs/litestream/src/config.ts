/**
 * Where a database is replicated to, and the litestream.yml that says so. Values are written
 * as JSON strings (valid YAML double-quoted scalars) and the binary is always run with
 * `-no-expand-env`, so a `$` in a secret is never read as a variable.
 */

import { join } from 'node:path';

/** A directory on this machine (the platform's backups dir by default). */
export interface FileReplicaTarget {
  type: 'file';
  /** Absolute directory; Litestream writes `generations/` under it. */
  path: string;
}

/** An S3-compatible bucket (MinIO, R2, AWS...). */
export interface S3ReplicaTarget {
  type: 's3';
  /** `http(s)://host:port` of the store; empty for AWS itself. */
  endpoint?: string;
  bucket: string;
  /** Key prefix of this database's replica (one per instance). */
  path: string;
  region?: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Path-style URLs (`endpoint/bucket/key`): what most self-hosted stores need. */
  forcePathStyle?: boolean;
}

/** Where Litestream copies the database's WAL and snapshots to. */
export type ReplicaTarget = FileReplicaTarget | S3ReplicaTarget;

/** How often Litestream does its work; each in seconds. */
export interface ReplicationTiming {
  /** How often new WAL frames are shipped (the point-in-time precision). Default 1. */
  syncIntervalS?: number;
  /** How often a full snapshot is taken (bounds the WAL replayed by a restore). Default 6 h. */
  snapshotIntervalS?: number;
  /** How far back a restore can go. Default 72 h. */
  retentionS?: number;
}

/** Defaults of ReplicationTiming. */
export const DEFAULT_TIMING: Required<ReplicationTiming> = {
  syncIntervalS: 1,
  snapshotIntervalS: 6 * 3600,
  retentionS: 72 * 3600,
};

/** What one litestream.yml describes: one database and its one replica. */
export interface ReplicationConfig {
  /** The database file (absolute). */
  dbPath: string;
  /** Litestream's own state for it (absolute; default `.<name>-litestream` beside it). */
  metaPath?: string;
  target: ReplicaTarget;
  timing?: ReplicationTiming;
}

const q = (value: string): string => JSON.stringify(value);
const seconds = (s: number): string => `${Math.max(1, Math.round(s))}s`;

/** The litestream.yml text for `config`. */
export function renderConfig(config: ReplicationConfig): string {
  const timing = { ...DEFAULT_TIMING, ...config.timing };
  const t = config.target;
  const lines = ['dbs:', `  - path: ${q(config.dbPath)}`];
  if (config.metaPath !== undefined) lines.push(`    meta-path: ${q(config.metaPath)}`);
  lines.push('    replicas:', `      - name: "main"`, `        type: ${q(t.type)}`);
  if (t.type === 'file') {
    lines.push(`        path: ${q(t.path)}`);
  } else {
    lines.push(`        bucket: ${q(t.bucket)}`, `        path: ${q(t.path)}`);
    if (t.endpoint) lines.push(`        endpoint: ${q(t.endpoint)}`);
    lines.push(`        region: ${q(t.region || 'us-east-1')}`);
    lines.push(`        access-key-id: ${q(t.accessKeyId)}`, `        secret-access-key: ${q(t.secretAccessKey)}`);
    lines.push(`        force-path-style: ${(t.forcePathStyle ?? Boolean(t.endpoint)) ? 'true' : 'false'}`);
  }
  lines.push(
    `        sync-interval: ${seconds(timing.syncIntervalS)}`,
    `        snapshot-interval: ${seconds(timing.snapshotIntervalS)}`,
    `        retention: ${seconds(timing.retentionS)}`,
    // Checked hourly by default: often enough, the retention window is days.
    `        retention-check-interval: ${seconds(Math.min(3600, timing.retentionS))}`,
  );
  return `${lines.join('\n')}\n`;
}

/** A target as one line for logs and the API (no secrets). */
export function describeTarget(t: ReplicaTarget): string {
  return t.type === 'file' ? `file:${t.path}` : `s3://${t.bucket}/${t.path}${t.endpoint ? ` at ${t.endpoint}` : ''}`;
}

/** The platform's replica store: a directory per instance under backupsDir, or an S3-compatible bucket. */
export interface ReplicaStoreSettings {
  /** `<backupsDir>/<instanceId>/litestream` when no bucket is configured. */
  backupsDir: string;
  s3?: { endpoint?: string; bucket: string; region: string; prefix: string; accessKeyId: string; secretAccessKey: string };
  retentionHours: number;
  snapshotIntervalHours: number;
}

/** Where one instance's replica lives, and its timing, under the platform's settings. */
export function platformReplica(settings: ReplicaStoreSettings, instanceId: string): { target: ReplicaTarget; timing: ReplicationTiming } {
  const timing = { retentionS: settings.retentionHours * 3600, snapshotIntervalS: settings.snapshotIntervalHours * 3600 };
  const s3 = settings.s3;
  const target: ReplicaTarget = s3
    ? { type: 's3', endpoint: s3.endpoint, bucket: s3.bucket, region: s3.region, path: [s3.prefix, instanceId, 'litestream'].filter(Boolean).join('/'), accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }
    : { type: 'file', path: join(settings.backupsDir, instanceId, 'litestream') };
  return { target, timing };
}
