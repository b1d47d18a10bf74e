/**
 * A real, throwaway PostgreSQL cluster in a temp dir on a free loopback port. Postgres
 * refuses to run as root, so as root the cluster is owned by and run as the `postgres`
 * user that Debian's package creates.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports.js';

/** A running Postgres with one database. */
export interface PostgresHandle {
  /** Connection URL of the database created for the test. */
  url: string;
  /** A URL for another, fresh database in the same cluster. */
  createDatabase(name: string): Promise<string>;
  /** Stops the cluster and removes its files. */
  stop(): Promise<void>;
}

function pgBinDir(): string {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) throw new Error('PostgreSQL is not installed (apt-get install -y postgresql)');
  const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error('PostgreSQL is not installed (apt-get install -y postgresql)');
  return join(base, versions[0], 'bin');
}

/** Starts a cluster with trust auth on 127.0.0.1 and creates database `burrow_test`. */
export async function startPostgres(): Promise<PostgresHandle> {
  const bin = pgBinDir();
  const root = mkdtempSync(join(tmpdir(), 'burrow-pg-'));
  const dataDir = join(root, 'data');
  const asRoot = userInfo().uid === 0;
  const runAs = (cmd: string, args: string[]) => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] as const : [cmd, args] as const);
  if (asRoot) chownSync(root, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const [initCmd, initArgs] = runAs(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  execFileSync(initCmd, [...initArgs], { stdio: 'pipe' });
  const port = await freePort();
  const [cmd, args] = runAs(join(bin, 'postgres'), [
    '-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${root}`,
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
  ]);
  const child = spawn(cmd, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-4000); });
  child.stdout.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-4000); });
  await waitForPort(port, 20_000, () => (child.exitCode !== null ? `postgres exited: ${output}` : undefined));
  child.unref();
  const admin = `postgres://postgres@127.0.0.1:${port}`;
  const createDatabase = async (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
    const { default: pg } = await import('pg');
    // Postgres may accept TCP a moment before it accepts logins.
    for (let i = 0; ; i++) {
      const c = new pg.Client({ connectionString: `${admin}/postgres` });
      try {
        await c.connect();
      } catch (err) {
        await c.end().catch(() => undefined);
        if (i > 200) throw err;
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      try { await c.query(`CREATE DATABASE ${name}`); } finally { await c.end(); }
      break;
    }
    return `${admin}/${name}`;
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      // Unref'd since the start: without this, a test process with nothing else left to do ends
      // before the exit is seen ("Promise resolution is still pending..."), under load mostly.
      child.ref();
      // runuser does not pass signals on; pg_ctl stops the server itself.
      const [stopCmd, stopArgs] = runAs(join(bin, 'pg_ctl'), ['-D', dataDir, 'stop', '-m', 'immediate']);
      try { execFileSync(stopCmd, [...stopArgs], { stdio: 'pipe' }); } catch { child.kill('SIGKILL'); }
      await exited;
    }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    return { url: await createDatabase('burrow_test'), createDatabase, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
