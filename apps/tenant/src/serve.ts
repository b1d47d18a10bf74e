/**
 * Runs one tenant's HTTP server until SIGTERM/SIGINT, then shuts down cleanly. A backup
 * restore closes the app and server, swaps the data directory and opens them again on the
 * same address (PocketBase restarts its whole process for this); if the restored data cannot
 * be opened, the previous data is put back and served. With continuous backup on, Litestream
 * runs beside the server for as long as the database is open, and is stopped after it closes
 * (its final sync ships the last writes) and before a restore swaps the data.
 */
import { existsSync, fstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { RestorePlan } from '@burrow/backup';
import { litestreamBinary, Replicator } from '@burrow/litestream';
import { BurrowApp } from './framework/create_app.js';
import { startServing } from './framework/serving.js';
import { loadUserHooks } from './framework/user_hooks.js';
import { TenantApp } from './core/app.js';
import { isLiteFsMount, LiteFsNodeState } from './core/litefs_node.js';
import { installerUrl } from './core/installer.js';
import { assignedLog } from './standby.js';
import { dashboardBuilt } from './apis/dashboard.js';

/** Options of `serve`. */
export interface ServeOptions {
  dir: string;
  dbDir?: string;
  host: string;
  port: number;
  dev?: boolean;
  /** Control-plane secret enabling the platform-signed routes (see ServerOptions.platformKey). */
  platformKey?: string;
  /** litestream.yml replicating data.db (continuous backup); off when absent. */
  litestreamConfig?: string;
  /** Where migrations live (default: `migrations/` in the data directory); pending ones are applied before listening. */
  migrationsDir?: string;
  /** The app's own code (default: `hooks/` in the data directory), loaded before the server is built. */
  hooksDir?: string;
}

type Outcome = { kind: 'signal'; signal: string } | { kind: 'restore'; plan: RestorePlan };

async function close(app: TenantApp, server: FastifyInstance): Promise<void> {
  // close() stops accepting connections and waits for in-flight requests to finish.
  await server.close().catch((err: unknown) => process.stderr.write(`close failed: ${String(err)}\n`));
  app.hooks.trigger('OnTerminate', { app });
  app.close();
}

/**
 * The file this process logs to, when it is one: a standby's assigned log, or what fd 1 is
 * (the runtime appends a tenant's output to its log file). Undefined on a terminal or a pipe.
 */
function instanceLogFile(): string | undefined {
  const assigned = assignedLog();
  if (assigned) return assigned;
  try {
    return fstatSync(1).isFile() ? readlinkSync('/proc/self/fd/1') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A LiteFS replica serves the primary's data.db: it waits until that has arrived (LiteFS starts
 * the server once the node joined its cluster, normally with the database already there).
 */
async function waitForReplicaDatabase(dbDir: string, timeoutMs = 110_000): Promise<void> {
  if (!isLiteFsMount(dbDir) || new LiteFsNodeState(dbDir).isPrimary) return;
  const deadline = Date.now() + timeoutMs;
  let said = false;
  while (!existsSync(join(dbDir, 'data.db'))) {
    if (Date.now() > deadline) throw new Error(`this LiteFS replica has not received data.db from its primary within ${timeoutMs / 1000} s`);
    if (!said) process.stdout.write('LiteFS replica: waiting for data.db from the primary...\n');
    said = true;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Opens the data dir, listens, and resolves once the server has stopped after a signal. */
export async function serve(opts: ServeOptions): Promise<void> {
  let signalled: (o: Outcome) => void = () => undefined;
  let pendingSignal: Outcome | undefined;
  const onSignal = (signal: string) => {
    pendingSignal = { kind: 'signal', signal };
    signalled(pendingSignal);
  };
  // `on`, not `once`: under LiteFS the same SIGTERM comes twice (the runtime signals the process
  // group, and LiteFS passes its own on), and a second one must not end the process mid-shutdown.
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  if (opts.dbDir) await waitForReplicaDatabase(opts.dbDir);

  const replicator = opts.litestreamConfig
    ? new Replicator({
        bin: litestreamBinary(),
        configPath: opts.litestreamConfig,
        log: (line, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(`[litestream] ${line}\n`),
        outputFile: instanceLogFile(),
      })
    : undefined;
  let restoring: RestorePlan | undefined;
  let first = true;
  for (;;) {
    let app: TenantApp;
    try {
      app = TenantApp.open({ dir: opts.dir, dbDir: opts.dbDir, dev: opts.dev, sharedWal: replicator !== undefined, migrationsDir: opts.migrationsDir });
    } catch (err) {
      if (!restoring) throw err;
      process.stderr.write(`the restored data cannot be opened (${err instanceof Error ? err.message : String(err)}); putting the previous data back\n`);
      restoring.revert();
      restoring.cleanup();
      restoring = undefined;
      continue;
    }
    // After a restore the old data is removed once the server listens again (deleting a large
    // database file takes a while: not on the path back to serving).
    const restored = restoring;
    restoring = undefined;
    if (!restored && first) {
      app.backups.sweepTemp(); // left by a backup, upload or restore that was interrupted
    }
    first = false;

    const outcome = new Promise<Outcome>((resolve) => {
      signalled = resolve;
      if (pendingSignal) resolve(pendingSignal);
    });
    let requestRestore: (plan: RestorePlan) => void = () => undefined;
    const restore = new Promise<Outcome>((resolve) => (requestRestore = (plan) => resolve({ kind: 'restore', plan })));
    let server: FastifyInstance;
    try {
      const hooks = await loadUserHooks(new BurrowApp(app), opts.hooksDir ?? join(opts.dir, 'hooks'));
      if (hooks.length > 0) process.stdout.write(`Loaded hooks: ${hooks.join(', ')}\n`);
      const started = await startServing(app, { host: opts.host, port: opts.port, platformKey: opts.platformKey, restart: (plan) => requestRestore(plan) });
      server = started.server;
      if (started.applied.length > 0) process.stdout.write(`Applied ${started.applied.length} migration(s): ${started.applied.join(', ')}\n`);
    } catch (err) {
      app.close(); // a failed migration changed nothing, a failed hook file bound nothing: nothing serves half-set-up
      throw err;
    }
    await replicator?.start();
    restored?.cleanup();
    const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
    process.stdout.write(`Server started at http://${host}:${opts.port}\n├─ REST API:  http://${host}:${opts.port}/api/\n├─ Dashboard: http://${host}:${opts.port}/_/\n└─ Data dir:  ${opts.dir}\n`);
    // Not behind the platform (its instances get their owner before they start, and a token in
    // the log would outlive its use), and only where the installer's page exists.
    const install = opts.platformKey || !dashboardBuilt() ? undefined : installerUrl(app, `http://${host}:${opts.port}`);
    if (install) process.stdout.write(`\nNo superuser yet: open this link within 30 minutes to create the first one:\n${install}\n(or run: burrow-tenant superuser upsert EMAIL PASSWORD)\n\n`);

    const result = await Promise.race([outcome, restore]);
    if (result.kind === 'signal') {
      process.stdout.write(`Received ${result.signal}, finishing in-flight requests...\n`);
      await close(app, server);
      await replicator?.stop();
      return;
    }
    process.stdout.write('Restoring a backup: restarting onto the restored data...\n');
    await close(app, server);
    // Litestream holds the old file open; it starts a new generation on the restored one.
    await replicator?.stop();
    try {
      result.plan.swap();
      restoring = result.plan;
    } catch (err) {
      process.stderr.write(`restore failed, keeping the current data: ${err instanceof Error ? err.message : String(err)}\n`);
      result.plan.revert();
      result.plan.cleanup();
    }
    if (pendingSignal) return;
  }
}
