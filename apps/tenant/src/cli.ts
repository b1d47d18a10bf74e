#!/usr/bin/env node
/**
 * The `burrow-tenant` command line (mirrors PocketBase's): serve, superuser upsert|delete|sync,
 * and standby (a pre-started `serve` for the platform's process runtime). The environment is
 * read in config/env.ts only (and replaced wholesale by a standby's assignment, config/standby.ts).
 */
import { checkExtracted, createArchive, extractArchive, parentGoneSignal, prepareRestore, verifyArchive, type ExtractLimits, type RestorePlan } from '@burrow/backup';
import { ARCHIVE_REFUSED_EXIT } from '@burrow/backup/command';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TenantApp } from './core/app.js';
import { deleteSuperuser, syncPlatformSuperuser, upsertSuperuser } from './core/superusers.js';
import { ApiError } from './tools/router/api_error.js';
import { serve } from './serve.js';
import { awaitAssignment } from './standby.js';
import { deployCommand } from './deploy_command.js';
import { migrateCommand } from './migrate_command.js';
import { parseHttpAddress } from './tools/net/http_address.js';
import { MIN_PLATFORM_KEY_LENGTH, PLATFORM_KEY_ENV, takePlatformKey } from './config/env.js';

const USAGE = `Usage:
  burrow-tenant serve [--http 127.0.0.1:8090] [--dir ./pb_data] [--db-dir DIR] [--dev]
                      [--migrations DIR]   (applied at start; default: --dir's migrations/;
                                            --dev also writes one for each collection change)
                      [--hooks DIR]        (the app's own code, default: --dir's hooks/: each *.js
                                            exports default (app) => { app.onServe(...) ... })
                      [--litestream-config FILE]   (continuous backup of data.db with Litestream)
  burrow-tenant migrate up|down [N]|create NAME|collections|history [--dir ./pb_data] [--migrations DIR]
  burrow-tenant deploy apply [--dir ./pb_data] < bundle.json   (replaces hooks/ and migrations/ with the
                       bundle's {"files": {"hooks/x.js": "..."}}; the previous ones are kept)
  burrow-tenant deploy rollback [--dir ./pb_data]   (puts the previous hooks/ and migrations/ back)
  burrow-tenant superuser upsert EMAIL PASSWORD [--dir ./pb_data]
  burrow-tenant superuser delete EMAIL [--dir ./pb_data]
  burrow-tenant superuser sync EMAIL [--dir ./pb_data] [--db-dir DIR] [--previous-email X] < bcrypt-hash
  burrow-tenant backup create --out FILE.zip [--dir ./pb_data] [--db-dir DIR] [--work DIR] [--store]
                       (a consistent archive while the instance keeps serving; progress as JSON lines)
  burrow-tenant backup restore --from FILE.zip [--dir ./pb_data] [--work DIR] [LIMITS]
                       (the instance must not be running: replaces its data with the archive's)
  burrow-tenant backup verify --from FILE.zip [--work DIR] [LIMITS]
                       (extracts to a scratch dir and checks the databases; exit 2: refused, reason on stderr)
  burrow-tenant backup extract --from FILE.zip --to NEW_DIR [LIMITS]
                       (extracts and checks, ready to swap in; exit 2: refused, nothing left behind)
    LIMITS: --max-bytes N --max-entries N  (what extraction may write; by default 100x the
            archive's size, at least 1 GiB, and 1000000 entries; never past the free disk space)
  burrow-tenant standby [--tag TAG]   (platform use: loads, then serves the one JSON assignment read from stdin)

Environment:
  ${PLATFORM_KEY_ENV}  (serve) control-plane secret, at least ${MIN_PLATFORM_KEY_LENGTH} characters; enables
                       POST /api/_burrow/superuser-token
`;

interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

function parseArgs(argv: string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) flags.set(a.slice(2), argv[++i]);
      else flags.set(a.slice(2), true);
    } else positional.push(a);
  }
  return { positional, flags };
}

function flag(args: ParsedArgs, name: string, fallback: string): string {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : fallback;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

// Progress of a backup command, as JSON lines on stdout (read by @burrow/backup's runBackupCommand).
function report(fraction: number, step: string): void {
  process.stdout.write(`${JSON.stringify({ progress: Math.round(fraction * 100) / 100, step })}\n`);
}

// A refused archive exits with ARCHIVE_REFUSED_EXIT and only the reason on stderr (callers show it).
function refuse(err: unknown, prefix = ''): never {
  process.stderr.write(`${prefix}${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(ARCHIVE_REFUSED_EXIT);
}

// --max-bytes / --max-entries: limits on what extracting the archive may write (defaults: libs/backup).
function extractLimits(args: ParsedArgs): Partial<ExtractLimits> {
  const limits: Partial<ExtractLimits> = {};
  for (const [name, key] of [['max-bytes', 'maxBytes'], ['max-entries', 'maxEntries']] as const) {
    const v = args.flags.get(name);
    if (v === undefined) continue;
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n <= 0) fail(`invalid --${name} "${String(v)}" (expected a positive integer)`);
    limits[key] = n;
  }
  return limits;
}

// `backup restore`: the caller has stopped the instance; the archive is checked before the
// data dir is touched, and the swap is renames only (each undone on failure).
async function restoreCommand(args: ParsedArgs, dir: string, dbDir: string | undefined, from: string, signal: AbortSignal): Promise<void> {
  if (dbDir) fail('backup restore: a data.db outside --dir (LiteFS) is restored with litefs import');
  const workFlag = args.flags.get('work');
  const work = typeof workFlag === 'string' ? resolve(workFlag) : join(dir, '.pb_temp_to_delete', `restore_${process.pid}`);
  let plan: RestorePlan;
  try {
    plan = await prepareRestore(dir, from, work, { progress: report, limits: extractLimits(args), signal });
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    refuse(err, 'restore failed, nothing changed: ');
  }
  try {
    report(0.9, 'Swapping the data in');
    plan.swap();
  } catch (err) {
    plan.revert();
    plan.cleanup();
    fail(`restore failed, the previous data is back: ${err instanceof Error ? err.message : String(err)}`);
  }
  plan.cleanup();
  rmSync(work, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ done: true })}\n`);
}

// `backup create|verify|extract|restore`: the work a tenant or the platform keeps out of its own
// event loop. Each stops (and removes its partial output) when the process that started it dies.
async function backupCommand(sub: string | undefined, args: ParsedArgs, dir: string, dbDir: string | undefined): Promise<void> {
  const signal = parentGoneSignal();
  const fromFlag = args.flags.get('from');
  const from = typeof fromFlag === 'string' ? resolve(fromFlag) : undefined;
  // --work: the platform works from outside the instance (its temp area may be swept by a waking tenant)
  const workFlag = args.flags.get('work');
  const workOr = (kind: string) => (typeof workFlag === 'string' ? resolve(workFlag) : join(dir, '.pb_temp_to_delete', `${kind}_${process.pid}`));
  switch (sub) {
    case 'restore':
      if (!from) fail(USAGE);
      return restoreCommand(args, dir, dbDir, from, signal);
    case 'verify': {
      if (!from) fail(USAGE);
      const work = workOr('verify');
      try {
        await verifyArchive(from, work, { progress: report, limits: extractLimits(args), signal });
      } catch (err) {
        rmSync(work, { recursive: true, force: true }); // process.exit skips `finally` blocks
        refuse(err);
      }
      rmSync(work, { recursive: true, force: true });
      break;
    }
    case 'extract': {
      // into a new directory (removed on failure), checked, databases fsynced: ready to be swapped in
      const to = args.flags.get('to');
      if (!from || typeof to !== 'string') fail(USAGE);
      const dest = resolve(to);
      if (existsSync(dest)) fail(`backup extract: ${dest} already exists`);
      try {
        await extractArchive(from, dest, { progress: report, limits: extractLimits(args), signal });
        report(0.95, 'Checking the databases');
        checkExtracted(dest);
      } catch (err) {
        rmSync(dest, { recursive: true, force: true });
        refuse(err);
      }
      break;
    }
    case 'create': {
      const out = args.flags.get('out');
      if (typeof out !== 'string') fail(USAGE);
      const work = workOr('backup');
      let size: number;
      try {
        ({ size } = await createArchive({ dataDir: dir, dbDir }, resolve(out), work, report, signal, { store: args.flags.has('store') }));
      } catch (err) {
        rmSync(work, { recursive: true, force: true }); // process.exit skips `finally` blocks
        fail(`backup failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      rmSync(work, { recursive: true, force: true });
      process.stdout.write(`${JSON.stringify({ done: true, size })}\n`);
      return;
    }
    default:
      fail(USAGE);
  }
  process.stdout.write(`${JSON.stringify({ done: true })}\n`);
}

function parseHttp(value: string): { host: string; port: number } {
  try {
    return parseHttpAddress(value);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
}

// The platform key, validated at startup (a bad key fails loudly instead of disabling login).
function platformKeyOrFail(): string | undefined {
  try {
    return takePlatformKey();
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
}

// The hash comes on stdin so it never shows in `ps` or the shell history.
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) fail('this command reads its input from stdin: pipe it in');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').trim();
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const [command, sub, ...rest] = args.positional;
  const dir = resolve(flag(args, 'dir', './pb_data'));
  const dbDirFlag = args.flags.get('db-dir');
  const dbDir = typeof dbDirFlag === 'string' ? resolve(dbDirFlag) : undefined;
  const migrationsFlag = args.flags.get('migrations');
  const migrationsDir = typeof migrationsFlag === 'string' ? resolve(migrationsFlag) : undefined;
  const hooksFlag = args.flags.get('hooks');
  const hooksDir = typeof hooksFlag === 'string' ? resolve(hooksFlag) : undefined;

  switch (command) {
    case 'serve': {
      const { host, port } = parseHttp(flag(args, 'http', '127.0.0.1:8090'));
      const litestreamFlag = args.flags.get('litestream-config');
      const litestreamConfig = typeof litestreamFlag === 'string' ? resolve(litestreamFlag) : undefined;
      await serve({ dir, dbDir, host, port, dev: args.flags.has('dev'), platformKey: platformKeyOrFail(), litestreamConfig, migrationsDir, hooksDir });
      return;
    }
    case 'deploy':
      await deployCommand(sub, dir, readStdin, (line) => process.stdout.write(`${line}\n`));
      return;
    case 'migrate':
      await migrateCommand(sub, rest, { dir, dbDir, migrationsDir }, (line) => process.stdout.write(`${line}\n`));
      return;
    case 'superuser': {
      if (sub === 'sync') {
        const [email] = rest;
        const previous = args.flags.get('previous-email');
        if (!email || previous === true) fail(USAGE);
        const passwordHash = await readStdin();
        const result = syncPlatformSuperuser({ dir, dbDir, email, passwordHash, previousEmail: previous });
        const what = result.created ? 'created' : result.changed ? 'updated' : 'unchanged';
        process.stdout.write(`Successfully synced superuser "${email}" (${what})!\n`);
        return;
      }
      const app = TenantApp.open({ dir, dbDir });
      try {
        if (sub === 'upsert' || sub === 'create') {
          const [email, password] = rest;
          if (!email || !password) fail(USAGE);
          upsertSuperuser(app, email, password);
          process.stdout.write(`Successfully saved superuser "${email}"!\n`);
        } else if (sub === 'delete') {
          const [email] = rest;
          if (!email) fail(USAGE);
          if (!deleteSuperuser(app, email)) fail(`superuser "${email}" not found`);
          process.stdout.write(`Successfully deleted superuser "${email}"!\n`);
        } else fail(USAGE);
      } catch (err) {
        if (err instanceof ApiError) fail(`${err.message} ${JSON.stringify(err.data)}`);
        throw err;
      } finally {
        app.close();
      }
      return;
    }
    case 'backup':
      await backupCommand(sub, args, dir, dbDir);
      return;
    case 'standby': {
      // `--tag` is not read: it only makes this process's command line unique, so the runtime's
      // pid file can tell it from any other process that later gets the same pid.
      let assigned: string[] | undefined;
      try {
        assigned = await awaitAssignment();
      } catch (err) {
        fail(`standby: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (assigned === undefined) return; // stdin ended first: the runtime closed or died
      return main(assigned);
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return;
    default:
      fail(`unknown command "${command}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
