/** The platform's shared settings (DESIGN.md §4 "Environment"), parsed once per process. */
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvReader, type Env } from './env.js';

/** Where tenants run. */
export type RuntimeKind = 'process' | 'docker';

/** Settings every platform app reads. */
export interface PlatformConfig {
  /** Control API port (API_PORT, 3000). */
  apiPort: number;
  /** Edge proxy port (PROXY_PORT, 8080). */
  proxyPort: number;
  /**
   * Address the api and the proxy listen on (LISTEN_HOST, 127.0.0.1). Only a container with
   * published ports (docker/compose.yaml) needs 0.0.0.0: its published ports cannot reach loopback.
   */
  listenHost: string;
  /** Root of all platform data (DATA_DIR, ./data), absolute. */
  dataDir: string;
  /** Instances are served at `<name>.<baseDomain>` (BASE_DOMAIN, localhost). */
  baseDomain: string;
  /** Redis URL (REDIS_URL); undefined: start a local one. */
  redisUrl: string | undefined;
  /** Control database (DATABASE_URL); undefined: SQLite in dataDir. */
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  /** Tenant runtime (RUNTIME, process). */
  runtime: RuntimeKind;
  /** Seconds without traffic before an instance sleeps (IDLE_TIMEOUT, 900; 0 = never). */
  idleTimeoutSec: number;
  /** Where instance directories live. */
  instancesDir: string;
  /** Platform backups, `<backupsDir>/<instanceId>/<name>.zip` (BACKUPS_DIR, default DATA_DIR/backups): outside every instance's own data. */
  backupsDir: string;
  /**
   * Whether users may deploy their own code to instances that run as plain processes
   * (ALLOW_UNSANDBOXED_CODE, false): there the code has the platform user's file access, so only
   * for trusted users (a single-tenant setup). Containers (RUNTIME=docker) confine it anyway.
   */
  allowUnsandboxedCode: boolean;
  /** Deploy bundles waiting for the worker (`<deploysDir>/<instanceId>/<deployId>.json`, DATA_DIR/deploys). */
  deploysDir: string;
  /** Shortest interval a backup schedule may have (BACKUP_MIN_INTERVAL, 300 s): keeps a host's disks and CPU for serving. */
  backupMinIntervalSec: number;
  /** Continuous backup (Litestream) of instances that turn it on. */
  continuousBackup: ContinuousBackupConfig;
  /** This machine's host id; host-bound jobs for it go to its own queue (BURROW_HOST, local). */
  hostId: string;
  /** Instances one account may own (INSTANCE_QUOTA, 10). */
  instanceQuota: number;
  /** How long a console session lasts without use, in hours (SESSION_TTL_HOURS, 720). */
  sessionTtlHours: number;
  /**
   * Key that encrypts instance secrets at rest (SECRETS_KEY, 32 bytes as base64 or hex);
   * undefined: a key file created once under dataDir.
   */
  secretsKey: Buffer | undefined;
  /** The tenant CLI the process runtime starts (TENANT_BIN, this repository's apps/tenant/bin/burrow-tenant.mjs). */
  tenantBin: string;
  /**
   * Warm tenant processes a process runtime that starts tenants on a hot path (worker, proxy)
   * keeps ready, so a wake skips Node's start (TENANT_STANDBY, 1; 0..8; ~60 MiB RSS each).
   */
  tenantStandby: number;
  /** The web console's build the api serves at `/` (CONSOLE_DIR, this repository's apps/console/dist). */
  consoleDir: string;
  /** The docker runtime's settings (used with RUNTIME=docker). */
  docker: DockerConfig;
  /** LiteFS read replicas of instances (libs/litefs). */
  replicas: ReplicaConfig;
}

/** LiteFS read replicas: where the binary is and how many a user may run. */
export interface ReplicaConfig {
  /** The LiteFS binary (LITEFS_BIN, the setup's `.cache/bin/litefs`). */
  litefsBin: string;
  /** Read replicas one account may run over all its instances (REPLICA_QUOTA, 2; 0 turns replicas off). */
  quota: number;
  /** A replica further behind its primary than this gets no reads (REPLICA_MAX_LAG_MS, 2000). */
  maxLagMs: number;
}

/** Where the Docker daemon is and how tenant containers are made (docker/README.md). */
export interface DockerConfig {
  /** DOCKER_HOST (`unix:///path` or `tcp://host:port`), else DOCKER_SOCKET (a path), else /var/run/docker.sock. */
  endpoint: { socketPath: string } | { host: string; port: number; protocol: 'http' | 'https' };
  /** The tenant image (TENANT_IMAGE, burrow/tenant:local). */
  image: string;
  /** Prefix of container and volume names (DOCKER_NAMESPACE, burrow): two platforms on one daemon keep apart. */
  namespace: string;
  /** `host` (tenants on loopback ports) or a Docker network the control plane is on (DOCKER_NETWORK, host). */
  network: string;
  /** Limits of every tenant container unless its plan says otherwise (TENANT_MEMORY_MB 256, TENANT_CPUS 1, TENANT_PIDS 256). */
  limits: { memoryMb: number; cpus: number; pids: number };
}

/** Where and how Litestream replicas are kept. */
export interface ContinuousBackupConfig {
  /**
   * An S3-compatible store (BACKUP_S3_BUCKET set; BACKUP_S3_ENDPOINT, BACKUP_S3_REGION,
   * BACKUP_S3_PREFIX, BACKUP_S3_ACCESS_KEY_ID, BACKUP_S3_SECRET_ACCESS_KEY); undefined:
   * replicas live under `<backupsDir>/<instanceId>/litestream`.
   */
  s3: S3StoreConfig | undefined;
  /** How far back a point-in-time restore can go (CONTINUOUS_BACKUP_RETENTION_HOURS, 72). */
  retentionHours: number;
  /** How often a full snapshot is taken: bounds the WAL a restore replays (CONTINUOUS_BACKUP_SNAPSHOT_HOURS, 6). */
  snapshotIntervalHours: number;
}

/** An S3-compatible bucket. */
export interface S3StoreConfig {
  /** `http(s)://host:port`; undefined for AWS. */
  endpoint: string | undefined;
  bucket: string;
  region: string;
  /** Key prefix under which each instance gets `<prefix>/<instanceId>/...` (default burrow). */
  prefix: string;
  accessKeyId: string;
  secretAccessKey: string;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** This repository's tenant CLI (libs/config/{src,dist} -> apps/tenant/bin). */
const REPO_TENANT_BIN = resolve(REPO_ROOT, 'apps', 'tenant', 'bin', 'burrow-tenant.mjs');
/** This repository's console build (`npm run build` writes it). */
const REPO_CONSOLE_DIR = resolve(REPO_ROOT, 'apps', 'console', 'dist');

const BASE_DOMAIN_RE = /^(?=.{1,200}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** Parses the environment; throws ConfigError listing every invalid variable. */
export function loadPlatformConfig(env: Env, cwd: string): PlatformConfig {
  const r = new EnvReader(env);
  const dataDir = resolve(cwd, r.string('DATA_DIR', './data'));
  const baseDomain = r.string('BASE_DOMAIN', 'localhost').toLowerCase();
  if (!BASE_DOMAIN_RE.test(baseDomain)) r.problems.push(`BASE_DOMAIN=${JSON.stringify(baseDomain)}: expected a domain name`);
  const dbUrl = r.url('DATABASE_URL', ['postgres', 'postgresql', 'file']);
  const database: PlatformConfig['database'] =
    dbUrl && !dbUrl.startsWith('file:') ? { kind: 'postgres', url: dbUrl } : { kind: 'sqlite', file: dbUrl ? resolve(cwd, dbUrl.slice(5)) : resolve(dataDir, 'control.db') };
  const config: PlatformConfig = {
    apiPort: r.int('API_PORT', 3000, 1, 65535),
    proxyPort: r.int('PROXY_PORT', 8080, 1, 65535),
    listenHost: r.string('LISTEN_HOST', '127.0.0.1'),
    dataDir,
    baseDomain,
    redisUrl: r.url('REDIS_URL', ['redis', 'rediss']),
    database,
    runtime: r.oneOf('RUNTIME', ['process', 'docker'] as const, 'process'),
    idleTimeoutSec: r.int('IDLE_TIMEOUT', 900, 0, 7 * 24 * 3600),
    instancesDir: resolve(dataDir, 'instances'),
    backupsDir: resolve(cwd, r.string('BACKUPS_DIR', resolve(dataDir, 'backups'))),
    deploysDir: resolve(dataDir, 'deploys'),
    allowUnsandboxedCode: r.oneOf('ALLOW_UNSANDBOXED_CODE', ['true', 'false'] as const, 'false') === 'true',
    backupMinIntervalSec: r.int('BACKUP_MIN_INTERVAL', 300, 1, 7 * 24 * 3600),
    continuousBackup: {
      s3: parseS3(r),
      retentionHours: r.int('CONTINUOUS_BACKUP_RETENTION_HOURS', 72, 1, 24 * 365),
      snapshotIntervalHours: r.int('CONTINUOUS_BACKUP_SNAPSHOT_HOURS', 6, 1, 24 * 30),
    },
    hostId: r.string('BURROW_HOST', 'local').toLowerCase(),
    instanceQuota: r.int('INSTANCE_QUOTA', 10, 0, 100_000),
    sessionTtlHours: r.int('SESSION_TTL_HOURS', 720, 1, 24 * 365),
    secretsKey: parseKey(r, 'SECRETS_KEY'),
    tenantBin: resolve(cwd, r.string('TENANT_BIN', REPO_TENANT_BIN)),
    tenantStandby: r.int('TENANT_STANDBY', 1, 0, 8),
    consoleDir: resolve(cwd, r.string('CONSOLE_DIR', REPO_CONSOLE_DIR)),
    docker: parseDocker(r, cwd),
    replicas: {
      litefsBin: resolve(cwd, r.string('LITEFS_BIN', resolve(REPO_ROOT, '.cache', 'bin', 'litefs'))),
      quota: r.int('REPLICA_QUOTA', 2, 0, 1000),
      maxLagMs: r.int('REPLICA_MAX_LAG_MS', 2000, 50, 600_000),
    },
  };
  if (!/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/.test(config.hostId)) r.problems.push(`BURROW_HOST=${JSON.stringify(config.hostId)}: expected 1-32 lowercase letters, digits or inner hyphens`);
  if (isIP(config.listenHost) === 0) r.problems.push(`LISTEN_HOST=${JSON.stringify(config.listenHost)}: expected an IP address such as 127.0.0.1 or 0.0.0.0`);
  if (config.apiPort === config.proxyPort) r.problems.push(`API_PORT and PROXY_PORT must differ (both ${config.apiPort})`);
  r.done();
  return config;
}

function parseDocker(r: EnvReader, cwd: string): DockerConfig {
  let endpoint: DockerConfig['endpoint'] = { socketPath: resolve(cwd, r.string('DOCKER_SOCKET', '/var/run/docker.sock')) };
  const dockerHost = r.optional('DOCKER_HOST');
  if (dockerHost !== undefined) {
    const u = URL.canParse(dockerHost) ? new URL(dockerHost) : undefined;
    if (u?.protocol === 'unix:' && u.pathname) endpoint = { socketPath: u.pathname };
    else if ((u?.protocol === 'tcp:' || u?.protocol === 'http:' || u?.protocol === 'https:') && u.hostname && u.port) {
      endpoint = { host: u.hostname, port: Number(u.port), protocol: u.protocol === 'https:' ? 'https' : 'http' };
    } else r.problems.push(`DOCKER_HOST=${JSON.stringify(dockerHost)}: expected unix:///path/to/docker.sock or tcp://host:port`);
  }
  const namespace = r.string('DOCKER_NAMESPACE', 'burrow');
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(namespace)) r.problems.push(`DOCKER_NAMESPACE=${JSON.stringify(namespace)}: expected a lowercase letter then up to 30 lowercase letters, digits or hyphens`);
  const cpus = Number(r.string('TENANT_CPUS', '1'));
  if (!(Number.isFinite(cpus) && cpus >= 0.05 && cpus <= 64)) r.problems.push('TENANT_CPUS: expected a number of CPUs from 0.05 to 64');
  return {
    endpoint,
    image: r.string('TENANT_IMAGE', 'burrow/tenant:local'),
    namespace,
    network: r.string('DOCKER_NETWORK', 'host'),
    limits: { memoryMb: r.int('TENANT_MEMORY_MB', 256, 32, 1024 * 1024), cpus, pids: r.int('TENANT_PIDS', 256, 16, 1_000_000) },
  };
}

function parseS3(r: EnvReader): S3StoreConfig | undefined {
  const bucket = r.optional('BACKUP_S3_BUCKET');
  const endpoint = r.url('BACKUP_S3_ENDPOINT', ['http', 'https']);
  const accessKeyId = r.optional('BACKUP_S3_ACCESS_KEY_ID');
  const secretAccessKey = r.optional('BACKUP_S3_SECRET_ACCESS_KEY');
  const region = r.string('BACKUP_S3_REGION', 'us-east-1');
  const prefix = r.string('BACKUP_S3_PREFIX', 'burrow').replace(/^\/+|\/+$/g, '');
  if (bucket === undefined) {
    if (endpoint || accessKeyId || secretAccessKey) r.problems.push('BACKUP_S3_BUCKET: required when other BACKUP_S3_* variables are set');
    return undefined;
  }
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) r.problems.push(`BACKUP_S3_BUCKET=${JSON.stringify(bucket)}: expected an S3 bucket name`);
  if (!accessKeyId || !secretAccessKey) r.problems.push('BACKUP_S3_ACCESS_KEY_ID and BACKUP_S3_SECRET_ACCESS_KEY: required with BACKUP_S3_BUCKET');
  if (prefix.split('/').some((part) => part === '..' || part === '.')) r.problems.push('BACKUP_S3_PREFIX: "." and ".." are not allowed');
  return { endpoint, bucket, region, prefix, accessKeyId: accessKeyId ?? '', secretAccessKey: secretAccessKey ?? '' };
}

function parseKey(r: EnvReader, name: string): Buffer | undefined {
  const raw = r.optional(name);
  if (raw === undefined) return undefined;
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) {
    r.problems.push(`${name}: expected 32 bytes as 64 hex digits or base64`);
    return undefined;
  }
  return key;
}
