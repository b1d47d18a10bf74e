/** Runs one tenant's HTTP server until SIGTERM/SIGINT, then shuts down cleanly. */
import { TenantApp } from './core/app.js';
import { createServer } from './apis/server.js';

/** Options of `serve`. */
export interface ServeOptions {
  dir: string;
  dbDir?: string;
  host: string;
  port: number;
  dev?: boolean;
  /** Control-plane secret enabling the platform-signed routes (see ServerOptions.platformKey). */
  platformKey?: string;
}

/** Opens the data dir, listens, and resolves once the server has stopped after a signal. */
export async function serve(opts: ServeOptions): Promise<void> {
  const app = TenantApp.open({ dir: opts.dir, dbDir: opts.dbDir, dev: opts.dev });
  const server = await createServer(app, { platformKey: opts.platformKey });
  app.hooks.trigger('OnBootstrap', { app });
  await server.listen({ host: opts.host, port: opts.port });
  app.cron.start();
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  process.stdout.write(`Server started at http://${host}:${opts.port}\n├─ REST API:  http://${host}:${opts.port}/api/\n└─ Data dir:  ${opts.dir}\n`);
  app.hooks.trigger('OnServe', { app, server });

  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`Received ${signal}, finishing in-flight requests...\n`);
      // close() stops accepting connections and waits for in-flight requests to finish.
      server
        .close()
        .catch((err: unknown) => process.stderr.write(`close failed: ${String(err)}\n`))
        .finally(() => {
          app.hooks.trigger('OnTerminate', { app });
          app.close();
          resolveStop();
        });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
