/** Builds and starts the control API (Nest on Fastify, loopback only). */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { PlatformConfig } from '@burrow/config';
import { loadOrCreateSecretKey, migrate, openControlDb, registerHost, SecretBox, JobRunStore, type HostId } from '@burrow/db';
import { JobProducer, closeShared, producerConnection } from '@burrow/jobs';
import { createRuntime } from '@burrow/runtime';
import { ApiModule, type ApiDeps } from './app.module.js';
import { ErrorFilter } from './common/error_filter.js';
import { ConsoleSite } from './console/console_site.js';
import { jsonLogger, type Logger } from './common/logger.js';
import { MetricsService } from './ops/metrics.js';
import { MAX_BUNDLE_BYTES } from '@burrow/contracts';

/** Bodies are small JSON documents; anything bigger is refused with 413. */
const BODY_LIMIT = 256 * 1024;
/** A deploy carries the app's code (MAX_BUNDLE_BYTES of files, as JSON strings). */
const DEPLOY_BODY_LIMIT = 2 * MAX_BUNDLE_BYTES;

/** A Nest application for `deps`, not yet listening. */
export async function createApiApp(deps: ApiDeps, logger: Logger): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT, genReqId: () => randomUUID(), trustProxy: false });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.with(deps), adapter, { logger: false, abortOnError: false });
  app.useGlobalFilters(new ErrorFilter(logger));
  const metrics = app.get(MetricsService);
  const fastify = app.getHttpAdapter().getInstance();
  // Before the routes are registered (at init): only the deploy route takes large bodies.
  fastify.addHook('onRoute', (route) => {
    if (route.url === '/api/instances/:id/deploy') route.bodyLimit = DEPLOY_BODY_LIMIT;
  });
  const site = ConsoleSite.load(deps.config.consoleDir);
  if (site) site.register(fastify);
  else {
    logger.info('console not built: / answers 503 (npm run build writes it)', { consoleDir: deps.config.consoleDir });
    fastify.get('/', (_request, reply) => reply.status(503).type('text/plain; charset=utf-8').send('The web console is not built on this server (`npm run build` writes it); the API is at /api.\n'));
  }
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', String(request.id));
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.duration.observe({ route }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 500) logger.error('request failed', { requestId: String(request.id), method: request.method, url: request.url, status: reply.statusCode });
  });
  return app;
}

/** A running api. */
export interface RunningApi {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

/** Migrates the control DB, connects to Redis and listens on 127.0.0.1:API_PORT. */
export async function startApi(config: PlatformConfig, logger: Logger = jsonLogger((l, e) => (e ? process.stderr : process.stdout).write(`${l}\n`))): Promise<RunningApi> {
  if (!config.redisUrl) throw new Error('REDIS_URL is required by the api (npm start provides one)');
  await migrate(config.database);
  const db = await openControlDb(config.database);
  await registerHost(db, config.hostId as HostId, config.runtime);
  const box = new SecretBox(config.secretsKey ?? loadOrCreateSecretKey(config.dataDir));
  const redis = producerConnection(config.redisUrl);
  redis.on('error', () => undefined);
  const jobs = new JobProducer(redis, new JobRunStore(db));
  // The api only reads logs from the runtime (starts go through the worker's queue): no warm pool.
  const runtime = createRuntime(config, { standby: 0 });
  const app = await createApiApp({ config, db, jobs, redis, runtime, box }, logger);
  await app.listen(config.apiPort, config.listenHost);
  const url = `http://127.0.0.1:${config.apiPort}`;
  logger.info('api listening', { url });
  return {
    app,
    url,
    async close() {
      await app.close();
      await jobs.close();
      await closeShared(redis); // after jobs.close(): see closeShared
      await runtime.close();
      await db.$disconnect();
    },
  };
}
