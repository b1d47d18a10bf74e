/** The proxy's settings, derived from the platform configuration (@burrow/config parses the env). */
import { ConfigError, loadPlatformConfig, type Env, type PlatformConfig } from '@burrow/config';
import type { ReplicaStoreSettings } from '@burrow/litestream';

export { ConfigError };

/** Everything the proxy needs, parsed and validated. */
export interface ProxyConfig {
  /** Port the proxy listens on (`PROXY_PORT`, default 8080). */
  port: number;
  /** Address the proxy binds (`LISTEN_HOST`, default 127.0.0.1). */
  host: string;
  /** Domain under which instances are named, `<name>.<baseDomain>` (`BASE_DOMAIN`, default `localhost`). */
  baseDomain: string;
  /** Idle time before an instance sleeps, in ms (`IDLE_TIMEOUT` seconds; 0 disables sleeping). */
  idleTimeoutMs: number;
  /** Platform data directory (`DATA_DIR`, default `./data`), absolute. */
  dataDir: string;
  /** Where tenants live (`<dataDir>/instances`). */
  instancesDir: string;
  /** The control database (`DATABASE_URL`; default SQLite `<dataDir>/control.db`). */
  database: PlatformConfig['database'];
  /** Key of the instance secrets (`SECRETS_KEY`); undefined: `<dataDir>/secrets.key`, created once. */
  secretsKey: Buffer | undefined;
  /** The tenant CLI woken instances run (`TENANT_BIN`, default this repository's). */
  tenantBin: string;
  /** Warm tenant processes kept ready for wakes (`TENANT_STANDBY`, default 1; 0 = cold starts). */
  tenantStandby: number;
  /** Where tenants run (`RUNTIME`, default process). */
  runtime: PlatformConfig['runtime'];
  /** The docker runtime's settings (RUNTIME=docker). */
  docker: PlatformConfig['docker'];
  /** Where continuous backup replicas go: a woken instance that has it on replicates there. */
  replicaStore: ReplicaStoreSettings;
  /** LiteFS read replicas: the binary (woken primaries run under it) and the lag limit of reads. */
  replicas: PlatformConfig['replicas'];
}

/** Builds the proxy's settings from an environment; throws ConfigError listing every bad variable. */
export function loadProxyConfig(env: Env, cwd: string): ProxyConfig {
  const c = loadPlatformConfig(env, cwd);
  return {
    port: c.proxyPort,
    host: c.listenHost,
    baseDomain: c.baseDomain,
    idleTimeoutMs: c.idleTimeoutSec * 1000,
    dataDir: c.dataDir,
    instancesDir: c.instancesDir,
    database: c.database,
    secretsKey: c.secretsKey,
    tenantBin: c.tenantBin,
    tenantStandby: c.tenantStandby,
    runtime: c.runtime,
    docker: c.docker,
    replicaStore: { backupsDir: c.backupsDir, ...c.continuousBackup },
    replicas: c.replicas,
  };
}
