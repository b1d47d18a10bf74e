/**
 * One supervised `litestream replicate` for a tenant's database: started once the database is
 * open, restarted with backoff when it dies, stopped after the database is closed so its final
 * sync ships the last writes. It runs with `-exec "tail --pid=<owner>"`, so it also shuts down
 * (after a final sync) within a second of its owner dying without a clean stop (SIGKILL):
 * an orphan never keeps the database open. Its pid is recorded beside the config, and a
 * replicate left by an owner that died is waited for (then killed) before a new one starts,
 * so two never share one database's Litestream state.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/** Options of a Replicator. */
export interface ReplicatorOptions {
  /** The Litestream binary. */
  bin: string;
  /** Its litestream.yml (see renderConfig). */
  configPath: string;
  /** Where the Replicator's own lines go (and Litestream's, without `outputFile`). */
  log: (line: string, stream: 'stdout' | 'stderr') => void;
  /**
   * A regular file Litestream appends its output to directly (the instance's log). Better than
   * a pipe: a pipe breaks when its owner dies, and Litestream (a Go program) is then killed by
   * SIGPIPE at its next log line, before its final sync.
   */
  outputFile?: string;
  /** How long a stop waits for the final sync before SIGKILL (ms). Default 30 s. */
  stopGraceMs?: number;
}

const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
/**
 * Litestream opens the database at its first monitor tick (1 s after it starts); a shutdown
 * before that skips the final sync. A stop that early waits for the tick first.
 */
const FIRST_TICK_MS = 1_500;
const STALE_WAIT_MS = 10_000;
/** coreutils' tail (Litestream runs with an empty environment: no PATH lookup). */
const TAIL = ['/usr/bin/tail', '/bin/tail'].find((p) => existsSync(p)) ?? 'tail';

/** Supervises one `litestream replicate`. */
export class Replicator {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private stopped = true;
  private failures = 0;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly pidFile: string;

  constructor(private readonly opts: ReplicatorOptions) {
    this.pidFile = `${opts.configPath}.pid`;
  }

  /** Starts replicating (waits out a replicate left by a previous owner first). */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.endStale();
    if (!this.stopped) this.spawnOnce();
  }

  /** Stops it; resolves after its final sync (or the SIGKILL after the grace period). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    const exited = this.exited;
    if (!child || !exited) return;
    const young = FIRST_TICK_MS - (Date.now() - this.startedAt);
    if (young > 0) await Promise.race([exited, new Promise((r) => setTimeout(r, young))]);
    child.kill('SIGTERM');
    const grace = this.opts.stopGraceMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), grace)));
    const late = await Promise.race([exited.then(() => false), timedOut]);
    clearTimeout(timer);
    if (late) {
      this.opts.log(`litestream did not finish its final sync within ${grace} ms; killing it`, 'stderr');
      child.kill('SIGKILL');
      await exited;
    }
  }

  /** The running process id (tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private spawnOnce(): void {
    const args = ['replicate', '-config', this.opts.configPath, '-no-expand-env', '-exec', `${TAIL} --pid=${process.pid} -f /dev/null`];
    // No environment: credentials live in the config file only, and nothing else is needed.
    // Its own process group: a signal to the owner's group (a runtime stopping the tenant) must
    // not end it before the owner has closed the database; the owner stops it afterwards.
    let out: number | undefined;
    try {
      out = this.opts.outputFile ? openSync(this.opts.outputFile, 'a') : undefined;
    } catch {
      out = undefined; // unwritable: pipes instead
    }
    const child = spawn(this.opts.bin, args, { env: {}, stdio: ['ignore', out ?? 'pipe', out ?? 'pipe'], detached: true });
    if (out !== undefined) closeSync(out); // the child has its own copy
    this.child = child;
    const startedAt = Date.now();
    this.startedAt = startedAt;
    if (child.stdout) forwardLines(child.stdout, (l) => this.opts.log(l, 'stdout'));
    if (child.stderr) forwardLines(child.stderr, (l) => this.opts.log(l, 'stderr'));
    this.exited = new Promise<void>((resolve) => {
      child.once('error', (err) => {
        this.opts.log(`litestream could not start: ${err.message}`, 'stderr');
      });
      child.once('close', (code, signal) => {
        if (this.child === child) this.child = undefined;
        this.removePidFile(child.pid);
        resolve();
        if (this.stopped) return;
        // Ran a while: a fresh failure, not a crash loop.
        if (Date.now() - startedAt > 60_000) this.failures = 0;
        const delay = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)] ?? 30_000;
        this.failures++;
        this.opts.log(`litestream exited (code ${code}, signal ${signal}); restarting in ${delay} ms`, 'stderr');
        this.restartTimer = setTimeout(() => {
          this.restartTimer = undefined;
          if (!this.stopped) this.spawnOnce();
        }, delay);
        this.restartTimer.unref();
      });
    });
    if (child.pid !== undefined) writeFileSync(this.pidFile, `${child.pid}\n`, { mode: 0o600 });
  }

  /** Waits for (then kills) a replicate recorded by a previous owner of this config. */
  private async endStale(): Promise<void> {
    await endRecordedReplicator(this.opts.configPath, STALE_WAIT_MS, (pid) => this.opts.log(`waiting for the previous litestream (pid ${pid}) to finish`, 'stderr'));
    this.removePidFile();
  }

  private removePidFile(ifPid?: number): void {
    try {
      if (ifPid !== undefined && readFileSync(this.pidFile, 'utf8').trim() !== String(ifPid)) return;
      rmSync(this.pidFile, { force: true });
    } catch {
      // already gone
    }
  }
}

/**
 * Waits until the replicate recorded beside `configPath` (in its `.pid` file) has exited,
 * SIGKILLing it after `timeoutMs`. `onWait` hears of one still running; resolves with whether
 * it had to be killed.
 */
export async function endRecordedReplicator(configPath: string, timeoutMs: number, onWait?: (pid: number) => void): Promise<{ pid: number; killed: boolean } | undefined> {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(`${configPath}.pid`, 'utf8'), 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isLitestream(pid)) return undefined;
  onWait?.(pid);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && isLitestream(pid)) await new Promise((r) => setTimeout(r, 50));
  if (!isLitestream(pid)) return { pid, killed: false };
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return { pid, killed: false }; // gone meanwhile
  }
  return { pid, killed: true };
}

/** Whether `pid` is alive and runs litestream (not a recycled pid or a zombie). */
function isLitestream(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]?.endsWith('litestream') === true;
  } catch {
    return false;
  }
}

function forwardLines(stream: NodeJS.ReadableStream, out: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) out(line);
  });
  stream.on('end', () => {
    if (pending.trim()) out(pending);
  });
}
