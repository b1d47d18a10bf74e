/**
 * The warm pool: `burrow-tenant standby` processes started ahead of need, so a start skips
 * Node's own start and the loading of the tenant's code. A standby runs with the base env
 * only (never an instance's secrets), detached like every tenant, its stdin a pipe this pool
 * holds and its stdout/stderr in `<rootDir>/.standby/<pid>.log`. A start takes one and writes
 * it one JSON line (args, env, cwd, log file: see the tenant's `config/standby.ts`), after
 * which the process is that instance's tenant and owes nothing to the pool or its stdin.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { sleep } from '../sleep.js';
import { isAlive } from './pid_file.js';
import { terminate, watchChild, type ProcessExit } from './process_exit.js';
import type { SpawnFn } from './spawn_tenant.js';

/** What a standby is told to become (the tenant validates the same shape). */
export interface StandbyAssignment {
  /** CLI arguments: `serve --http HOST:PORT --dir DIR`. */
  args: string[];
  /** Its whole environment (as a fresh spawn would get it). */
  env: Record<string, string>;
  /** Working directory. */
  cwd: string;
  /** The instance log its stdout, stderr and crash stacks are appended to. */
  logFile: string;
}

/** A warm process handed to a start. */
export interface Standby {
  /** Process id (and process group id: it runs detached). */
  pid: number;
  /** Its argv, unique thanks to a random `--tag`: what the pid file records and /proc must match. */
  command: string[];
  /** Resolves when it exits. */
  exited: Promise<ProcessExit>;
  /**
   * Sends the assignment and closes stdin, then deletes the pool log. The process keeps its
   * fds 1 and 2 on that (now unlinked) file, but after the assignment the tenant writes its
   * output and crash stacks to the instance log itself; only output Node writes natively
   * past JavaScript (a V8 out-of-memory message) would still go there and is lost with it.
   */
  assign(assignment: StandbyAssignment): Promise<void>;
}

/** Where a start finds standbys (the pool; absent when the runtime keeps none). */
export interface StandbySource {
  /** A warm process, removed from the pool, or undefined when none is ready. */
  take(): Standby | undefined;
  /** Tops the pool up in the background; called once a start settled (off its critical path). */
  refill(): void;
}

/** What the pool needs. */
export interface StandbyPoolOptions {
  /** How many standbys to keep. */
  size: number;
  /** `<rootDir>/.standby`: their working directory and log files. */
  dir: string;
  /** Node binary that runs them. */
  nodePath: string;
  /** The tenant CLI entry (it must know the `standby` command). */
  tenantBin: string;
  /** The base env of every tenant; nothing instance-specific. */
  env: Readonly<Record<string, string>>;
  /** Spawns a process (the runtime's, so tests can count spawns). */
  spawn: SpawnFn;
  /** Delay before replacing a standby that died unassigned: initialMs doubling per death up to maxMs. */
  backoff: { initialMs: number; maxMs: number };
}

/** How long close() waits for a standby to exit on EOF before signalling it. */
const EOF_EXIT_WAIT_MS = 2_000;
/** SIGTERM grace of a standby that ignored EOF. */
const KILL_GRACE_MS = 1_000;
/** A `spawning-*.log` older than this was left by a platform process that died mid-spawn. */
const STALE_SPAWNING_MS = 60_000;
/** Kept output of the last standby that died unassigned (why the pool keeps losing them). */
const LAST_FAILURE_LOG = 'last-failure.log';

const ignore = (): void => undefined;

/** One process of the pool. */
interface PoolEntry {
  child: ChildProcess;
  standby: Standby;
  log: string;
  /** Taken by a start or being ended by close(): its exit is not a pool death. */
  gone: boolean;
}

/** Keeps `size` standbys ready; replaces lost ones with backoff; close() ends the unassigned ones. */
export class StandbyPool implements StandbySource {
  private readonly ready: PoolEntry[] = [];
  private filling: Promise<void> | undefined;
  private backoffTimer: NodeJS.Timeout | undefined;
  /** Standbys that died unassigned since one was last taken. */
  private deaths = 0;
  private swept = false;
  private closed = false;

  /** Nothing is spawned until the first refill(). */
  constructor(private readonly opts: StandbyPoolOptions) {}

  /** A ready standby (possibly still loading: its assignment then waits in the pipe), or undefined. */
  take(): Standby | undefined {
    const entry = this.ready.shift();
    if (entry === undefined) return undefined;
    entry.gone = true;
    this.deaths = 0; // it lived until it was needed: the tenant build works
    return entry.standby;
  }

  /** Spawns standbys until `size` are ready, unless closed or waiting out a backoff. */
  refill(): void {
    if (this.closed || this.filling || this.backoffTimer) return;
    this.filling = this.fill()
      // e.g. rootDir not writable: retried after the backoff like a lost standby; starts spawn meanwhile.
      .catch(() => this.onDeath(undefined))
      .finally(() => {
        this.filling = undefined;
        // A take while the last spawn was under way.
        if (this.ready.length < this.opts.size && !this.backoffTimer && !this.closed) setImmediate(() => this.refill());
      });
  }

  /** Ends every unassigned standby (EOF, then signals) and waits until they are gone. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.backoffTimer !== undefined) clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
    await this.filling;
    await Promise.all(this.ready.splice(0).map((entry) => this.end(entry)));
  }

  private async fill(): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true, mode: 0o700 });
    if (!this.swept) {
      this.swept = true;
      await this.sweep();
    }
    while (!this.closed && !this.backoffTimer && this.ready.length < this.opts.size) await this.spawnOne();
  }

  private async spawnOne(): Promise<void> {
    const tag = randomBytes(8).toString('hex');
    const command = [this.opts.nodePath, this.opts.tenantBin, 'standby', '--tag', tag];
    // The pid is the log's name, known only after the spawn; the fd is needed before it.
    const spawningLog = join(this.opts.dir, `spawning-${tag}.log`);
    const fd = openSync(spawningLog, 'a', 0o600);
    let child: ChildProcess;
    try {
      child = this.opts.spawn(command[0], command.slice(1), {
        cwd: this.opts.dir,
        env: { ...this.opts.env },
        detached: true, // own process group, like every tenant: it must outlive this process once assigned
        stdio: ['pipe', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    const exited = watchChild(child);
    child.unref();
    // A write to a standby that just died fails with EPIPE; its exit tells the start.
    child.stdin?.on('error', ignore);
    // The pipe must not keep this process alive either (its end is the standby's EOF).
    (child.stdin as Socket | null)?.unref?.();
    const pid = child.pid;
    if (pid === undefined) {
      await exited;
      await rm(spawningLog, { force: true });
      this.onDeath(undefined);
      return;
    }
    const log = join(this.opts.dir, `${pid}.log`);
    await rename(spawningLog, log).catch(ignore);
    const entry: PoolEntry = { child, log, gone: false, standby: { pid, command, exited, assign: (a) => this.assign(entry, a) } };
    void exited.then(() => {
      if (entry.gone) return;
      const at = this.ready.indexOf(entry);
      if (at >= 0) this.ready.splice(at, 1);
      this.onDeath(entry);
    });
    this.ready.push(entry);
  }

  private async assign(entry: PoolEntry, assignment: StandbyAssignment): Promise<void> {
    const stdin = entry.child.stdin;
    if (stdin !== null && stdin.writable) stdin.end(`${JSON.stringify(assignment)}\n`);
    await rm(entry.log, { force: true });
  }

  /** A standby died unassigned: keep its output for diagnosis, replace it after a growing delay. */
  private onDeath(entry: PoolEntry | undefined): void {
    if (entry !== undefined) void this.keepLastWords(entry.log);
    if (this.closed) return;
    this.deaths++;
    const { initialMs, maxMs } = this.opts.backoff;
    const delay = Math.min(maxMs, initialMs * 2 ** (this.deaths - 1));
    if (this.backoffTimer !== undefined) clearTimeout(this.backoffTimer);
    this.backoffTimer = setTimeout(() => {
      this.backoffTimer = undefined;
      this.refill();
    }, delay);
    this.backoffTimer.unref();
  }

  private async keepLastWords(log: string): Promise<void> {
    const size = await stat(log).then((s) => s.size, () => 0);
    if (size > 0) await rename(log, join(this.opts.dir, LAST_FAILURE_LOG)).catch(ignore);
    else await rm(log, { force: true });
  }

  private async end(entry: PoolEntry): Promise<void> {
    entry.gone = true;
    entry.child.stdin?.end(); // EOF: an unassigned standby exits 0 on its own
    const grace = new AbortController();
    const exit = await Promise.race([entry.standby.exited, sleep(EOF_EXIT_WAIT_MS, grace.signal).then(() => undefined)]);
    grace.abort();
    if (exit === undefined) await terminate(entry.standby.pid, entry.standby.exited, KILL_GRACE_MS);
    await rm(entry.log, { force: true });
  }

  /**
   * Removes the logs and warm-up scratch directories (`warmup-<pid>`, see the tenant's
   * standby_warmup.ts) that standbys and platform processes killed before their close() left
   * behind: those of pids that are gone, and spawn-time names older than a minute. Other
   * runtimes sharing the root keep theirs (their standbys are alive).
   */
  private async sweep(): Promise<void> {
    const names = await readdir(this.opts.dir).catch((): string[] => []);
    for (const name of names) {
      const path = join(this.opts.dir, name);
      const pid = /^(?:(\d+)\.log|warmup-(\d+))$/.exec(name)?.slice(1).find((v) => v !== undefined);
      if (pid !== undefined && !(await isAlive(Number(pid)))) await rm(path, { recursive: true, force: true });
      if (name.startsWith('spawning-')) {
        const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => 0);
        if (age > STALE_SPAWNING_MS) await rm(path, { force: true });
      }
    }
  }
}
