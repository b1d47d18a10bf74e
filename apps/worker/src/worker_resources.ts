/** Opens (and closes) what the worker uses outside its own code: the control DB, the runtime, Redis. */
import type { PlatformConfig } from '@burrow/config';
import { InstanceStore, JobRunStore, SecretBox, loadOrCreateSecretKey, migrate, openControlDb, registerHost, type ControlDb } from '@burrow/db';
import { JobProducer, closeShared, producerConnection, workerConnection } from '@burrow/jobs';
import { createRuntime, type InstanceRuntimeDriver } from '@burrow/runtime';
import type { Redis } from 'ioredis';
import type { WorkerHooks } from './hooks.js';
import type { WorkerSettings } from './settings.js';

/** Everything the Nest context is built from. */
export interface WorkerResources {
  settings: WorkerSettings;
  db: ControlDb;
  runtime: InstanceRuntimeDriver;
  instances: InstanceStore;
  runs: JobRunStore;
  producer: JobProducer;
  workerRedis: Redis;
  producerRedis: Redis;
  hooks: WorkerHooks;
}

/** The resources and how to release them. */
export interface OpenedResources {
  resources: WorkerResources;
  /** Closes in reverse order of opening; tenants keep running (the next runtime adopts them). */
  close(): Promise<void>;
}

/** How long boot waits for Redis before giving up with a clear error. */
const REDIS_READY_TIMEOUT_MS = 10_000;

/** Opens everything in order; on any failure closes what was opened and rethrows. */
export async function openWorkerResources(config: PlatformConfig, settings: WorkerSettings, hooks: WorkerHooks): Promise<OpenedResources> {
  const redisUrl = config.redisUrl;
  if (!redisUrl) throw new Error('REDIS_URL is not set: the worker consumes the Redis queues the api writes to (npm start provides one)');
  const closers: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    // Everything is released even when one close fails; the first failure is reported.
    let first: unknown;
    for (const c of closers.splice(0).reverse()) await c().catch((err: unknown) => { first ??= err; });
    if (first !== undefined) throw first;
  };
  try {
    await migrate(config.database);
    const db = await openControlDb(config.database);
    closers.push(() => db.$disconnect());
    await registerHost(db, settings.hostId, config.runtime);
    // Provisioning and power-on start tenants: a warm standby saves each of them a cold start.
    const runtime = createRuntime(config, { standby: config.tenantStandby });
    closers.push(() => runtime.close());
    const box = new SecretBox(config.secretsKey ?? loadOrCreateSecretKey(config.dataDir));
    const workerRedis = workerConnection(redisUrl);
    closers.push(() => closeShared(workerRedis));
    // A separate fail-fast connection: enqueues must not block behind the workers' blocking reads.
    const producerRedis = producerConnection(redisUrl);
    closers.push(() => closeShared(producerRedis));
    await whenReady(producerRedis, redisUrl);
    const runs = new JobRunStore(db);
    const producer = new JobProducer(producerRedis, runs);
    closers.push(() => producer.close());
    const instances = new InstanceStore(db, box);
    return { resources: { settings, db, runtime, instances, runs, producer, workerRedis, producerRedis, hooks }, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

/** Resolves once the connection is ready; rejects with a clear message after a timeout. */
async function whenReady(conn: Redis, url: string): Promise<void> {
  if (conn.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      conn.off('ready', onReady);
      reject(new Error(`Redis at ${redactUrl(url)} did not answer within ${REDIS_READY_TIMEOUT_MS / 1000} s`));
    }, REDIS_READY_TIMEOUT_MS);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    conn.once('ready', onReady);
  });
}

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
