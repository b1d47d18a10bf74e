#!/usr/bin/env node
/** The `burrow-tenant` command line (mirrors PocketBase's): serve, superuser upsert|delete. */
import { resolve } from 'node:path';
import { TenantApp } from './core/app.js';
import { deleteSuperuser, upsertSuperuser } from './core/superusers.js';
import { ApiError } from './tools/router/api_error.js';
import { serve } from './serve.js';

const USAGE = `Usage:
  burrow-tenant serve [--http 127.0.0.1:8090] [--dir ./pb_data] [--db-dir DIR] [--dev]
  burrow-tenant superuser upsert EMAIL PASSWORD [--dir ./pb_data]
  burrow-tenant superuser delete EMAIL [--dir ./pb_data]
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

function parseHttp(value: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]*):(\d{1,5})$/.exec(value);
  if (!m) fail(`invalid --http address "${value}" (expected HOST:PORT)`);
  const port = Number(m[2]);
  if (port > 65535) fail(`invalid port ${port}`);
  return { host: m[1].replace(/^\[|\]$/g, '') || '127.0.0.1', port };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const [command, sub, ...rest] = args.positional;
  const dir = resolve(flag(args, 'dir', './pb_data'));
  const dbDirFlag = args.flags.get('db-dir');
  const dbDir = typeof dbDirFlag === 'string' ? resolve(dbDirFlag) : undefined;

  switch (command) {
    case 'serve': {
      const { host, port } = parseHttp(flag(args, 'http', '127.0.0.1:8090'));
      await serve({ dir, dbDir, host, port, dev: args.flags.has('dev') });
      return;
    }
    case 'superuser': {
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
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return;
    default:
      fail(`unknown command "${command}"\n${USAGE}`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
