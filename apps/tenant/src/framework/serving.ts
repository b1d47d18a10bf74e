/**
 * Brings one opened TenantApp to serving, the same way for `burrow-tenant serve` and for apps
 * built on the library: pending migrations, the server, OnBootstrap, OnServe with the router
 * (custom routes are added there, before the server listens), listen, crons.
 */
import type { FastifyInstance } from 'fastify';
import type { RestartWith } from '../apis/backups.js';
import { createServer, type ServerOptions } from '../apis/server.js';
import type { TenantApp } from '../core/app.js';
import { Router } from './router.js';

/** Where and how to serve. */
export interface ServingOptions {
  host: string;
  port: number;
  platformKey?: string;
  restart?: RestartWith;
}

/** What OnServe handlers receive. */
export interface ServeEvent {
  app: TenantApp;
  server: FastifyInstance;
  /** Adds custom routes (with middlewares) before the server listens. */
  router: Router;
}

/**
 * The server of `app` with everything bound but not listening: pending migrations applied,
 * OnBootstrap, then OnServe with the router (tests inject requests into it).
 */
export async function buildServer(app: TenantApp, opts: ServerOptions = {}): Promise<{ server: FastifyInstance; applied: string[] }> {
  // A replica's database is the primary's: its migrations are applied there and replicated.
  const applied = app.isReplica ? [] : await app.migrations.up();
  const server = await createServer(app, opts);
  app.hooks.trigger('OnBootstrap', { app });
  app.hooks.trigger<ServeEvent>('OnServe', { app, server, router: new Router(app, server) });
  return { server, applied };
}

/** Serves `app`; resolves with the listening server and the migrations it applied. A failing migration throws before anything listens. */
export async function startServing(app: TenantApp, opts: ServingOptions): Promise<{ server: FastifyInstance; applied: string[] }> {
  const built = await buildServer(app, { platformKey: opts.platformKey, restart: opts.restart });
  // Jobs write to data.db: they run on the primary only (a replica's are its own log cleanup).
  if (app.isReplica) startReplicaLogCleanup(app, built.server);
  await built.server.listen({ host: opts.host, port: opts.port });
  if (!app.isReplica) app.cron.start();
  return built;
}

/** A replica's one job: trimming its own request logs (auxiliary.db is per node), every 6 hours. */
function startReplicaLogCleanup(app: TenantApp, server: FastifyInstance): void {
  const timer = setInterval(() => app.logs.cleanup(), 6 * 3600_000);
  timer.unref();
  server.addHook('onClose', (_instance, done) => {
    clearInterval(timer);
    done();
  });
}
