/** Starts a complete proxy in-process (control DB, secrets, runtime, server): main.ts, launchers, tests. */
import { InstanceStore, SecretBox, loadOrCreateSecretKey, migrate, openControlDb } from '@burrow/db';
import { createRuntime, type InstanceRuntimeDriver } from '@burrow/runtime';
import type { ProxyConfig } from './config.js';
import { silentLogger, type ProxyLogger } from './logger.js';
import { ProxyMetrics } from './metrics.js';
import { PrismaInstanceDirectory, type PrismaDirectoryOptions } from './prisma_directory.js';
import { recordRuntimeFailures } from './runtime_failures.js';
import { createProxyServer, type ProxyServerOptions } from './server.js';

/** What `startProxy` builds itself unless given. */
export interface StartProxyDeps {
  /** Request and error log (default: silent). */
  logger?: ProxyLogger;
  /** Where tenants run (default: the driver RUNTIME chooses); a given one is not closed by `close()`. */
  runtime?: InstanceRuntimeDriver;
  /** Lookup cache of the control-DB directory (default: 1 s, 10 000 names). */
  directory?: PrismaDirectoryOptions;
  /** Export Node process metrics too (default true). */
  processMetrics?: boolean;
  /** Server timings (tests shorten the idle sweep). */
  server?: Pick<ProxyServerOptions, 'idleSweepMs' | 'wakeTimeoutMs' | 'sleepGraceMs' | 'onIdleSweep'>;
}

/** A listening proxy. */
export interface RunningProxy {
  /** The bound port (useful with `config.port` 0). */
  port: number;
  /** Stops the server, then detaches from the runtime and the DB; tenants keep running. */
  close(): Promise<void>;
}

/**
 * Migrates and opens the control DB, opens the secrets, builds the runtime and the directory,
 * records runtime failures in the DB, and listens on `config.host:config.port`. Anything opened
 * before a startup error is closed again before the error is rethrown.
 */
export async function startProxy(config: ProxyConfig, deps: StartProxyDeps = {}): Promise<RunningProxy> {
  const logger = deps.logger ?? silentLogger;
  await migrate(config.database);
  const db = await openControlDb(config.database);
  const cleanups: Array<() => unknown> = [() => db.$disconnect()]; // run last-added first
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  };
  try {
    const box = new SecretBox(config.secretsKey ?? loadOrCreateSecretKey(config.dataDir));
    let runtime = deps.runtime;
    if (runtime === undefined) {
      // Wakes start tenants while a request waits: a warm standby skips Node's start and code loading.
      const own = createRuntime(config, { standby: config.tenantStandby });
      cleanups.unshift(() => own.close());
      runtime = own;
    }
    const directory = new PrismaInstanceDirectory(new InstanceStore(db, box), { replicaStore: config.replicaStore, ...deps.directory });
    cleanups.unshift(recordRuntimeFailures(runtime, directory, logger));
    const server = createProxyServer({
      ...deps.server,
      directory,
      runtime,
      baseDomain: config.baseDomain,
      idleTimeoutMs: config.idleTimeoutMs,
      replicaMaxLagMs: config.replicas.maxLagMs,
      logger,
      metrics: new ProxyMetrics({ processMetrics: deps.processMetrics ?? true }),
    });
    const { port } = await server.listen(config.port, config.host);
    cleanups.unshift(() => server.close());
    return { port, close: closeAll };
  } catch (err) {
    await closeAll().catch(() => undefined);
    throw err;
  }
}
