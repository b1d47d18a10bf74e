/**
 * One `litefs mount` process: the FUSE mount of one node and its API, optionally running the
 * node's server (`-- cmd ...`, LiteFS's exec: started once the node joined its cluster,
 * signalled on stop, and LiteFS exits when it exits). The process runtime spawns nodes itself
 * (with the tenant under it); this class serves the one-off steps (an import into a new
 * primary) and the tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { renderNodeConfig, type NodeConfigInput } from './config.js';
import { nodeInfo } from './events.js';
import { isMounted, unmountStale } from './mounts.js';

/** Where LiteFS finds fusermount3 (it gets no other part of the platform's environment). */
export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Options of a LiteFsNode. */
export interface LiteFsNodeOptions {
  bin: string;
  /** Where its litefs.yml is written. */
  configPath: string;
  config: NodeConfigInput;
  /** The node's server, run by LiteFS once the node is ready (argv). */
  exec?: string[];
  /** Environment of LiteFS and of the exec'd server. */
  env?: Record<string, string>;
  /** Receives LiteFS's (and the server's) output lines. */
  log?: (line: string) => void;
}

/**
 * Writes the node's directories and litefs.yml (mode 0600), atomically: another runtime's LiteFS
 * may be reading it (several runtimes restart one node after a crash; one wins the lock).
 */
export async function writeNodeConfig(configPath: string, config: NodeConfigInput): Promise<void> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  await mkdir(dirname(configPath), { recursive: true, mode: 0o700 });
  if (!isMounted(config.mountDir)) await mkdir(config.mountDir, { recursive: true, mode: 0o700 });
  const part = `${configPath}.${process.pid}.part`;
  await writeFile(part, renderNodeConfig(config), { mode: 0o600 });
  await rename(part, configPath);
}

/** The argv of `litefs mount` for a config, with the server to exec after `--`. */
export function mountArgs(configPath: string, exec: string[] = []): string[] {
  return ['mount', '-config', configPath, '-no-expand-env', ...(exec.length ? ['--', ...exec] : [])];
}

/** A running `litefs mount`. */
export class LiteFsNode {
  private child: ChildProcess | undefined;
  private exit: Promise<number | null> | undefined;
  private readonly output: string[] = [];

  constructor(private readonly opts: LiteFsNodeOptions) {}

  /** The node's API URL. */
  get apiUrl(): string {
    return `http://${this.opts.config.httpAddr}`;
  }

  /** Its pid while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts it and waits until its API answers and its mount is ready (throws with its output otherwise). */
  async start(timeoutMs = 20_000): Promise<void> {
    await writeNodeConfig(this.opts.configPath, this.opts.config);
    const child = spawn(this.opts.bin, mountArgs(this.opts.configPath, this.opts.exec), {
      env: { PATH: SYSTEM_PATH, ...this.opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          this.output.push(line);
          if (this.output.length > 200) this.output.shift();
          this.opts.log?.(line);
        }
      });
    }
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exit.then(() => (exited = true));
    while (Date.now() < deadline && !exited) {
      if (this.output.some((l) => l.includes('connected to cluster, ready'))) {
        const info = await nodeInfo(this.apiUrl, 1_000);
        if (info) return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.stop();
    throw new Error(`litefs node ${this.opts.config.httpAddr} did not get ready${exited ? ' (it exited)' : ''}:\n${this.output.slice(-15).join('\n')}`);
  }

  /** Stops it (SIGTERM, which it passes to its server, then unmounts); SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<number | null> {
    const child = this.child;
    const exit = this.exit;
    if (!child || !exit) return null;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([exit.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)))]);
    clearTimeout(timer);
    if (late) child.kill('SIGKILL');
    const code = await exit;
    this.child = undefined;
    unmountStale(this.opts.config.mountDir);
    return code;
  }

  /** Its last output lines. */
  lastOutput(): string[] {
    return [...this.output];
  }
}
