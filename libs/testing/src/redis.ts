/** A real, throwaway redis-server on a free loopback port (no persistence). */
import { spawn } from 'node:child_process';
import { freePort, waitForPort } from './ports.js';

/** A running Redis. */
export interface RedisHandle {
  url: string;
  port: number;
  /** Kills it (SIGKILL: nothing to save) and waits for exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop), for outage tests. */
  restart(): Promise<void>;
}

/** Starts `redis-server`; fails clearly when it is not installed (apt-get install redis-server). */
export async function startRedis(): Promise<RedisHandle> {
  const port = await freePort();
  let child = await launch(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      // The child is unref'd while it runs; hold the loop open until it has exited.
      child.ref();
      child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      child = await launch(port);
    },
  };
}

async function launch(port: number) {
  const child = spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let spawnError: string | undefined;
  child.on('error', (err) => { spawnError = `redis-server could not start (${err.message}); install it with apt-get install -y redis-server`; });
  child.stdout.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-4000); });
  child.stderr.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-4000); });
  await waitForPort(port, 10_000, () => spawnError ?? (child.exitCode !== null ? `redis-server exited: ${output}` : undefined));
  child.unref();
  return child;
}
