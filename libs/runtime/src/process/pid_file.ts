/** The pid file of a running tenant, and how to tell whether a recorded pid is still ours. */
import { statSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';

/** What `runtime/pid.json` records about a spawned tenant. */
export interface PidRecord {
  /** Process id (also its process group id: tenants run detached). */
  pid: number;
  /** Address the tenant listens on. */
  host: string;
  /** Port the tenant listens on. */
  port: number;
  /** When it was spawned (ISO). */
  startedAt: string;
  /** The exact argv it was spawned with; `/proc/<pid>/cmdline` must still match it. */
  command: string[];
  /** Set by stop() before its SIGTERM: the coming exit is wanted, not a crash to restart. */
  stopping?: boolean;
}

/** Writes the pid file atomically (temp file + rename). */
export async function writePidFile(path: string, record: PidRecord): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`; // writers may race
  await writeFile(tmp, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

/** Reads a pid file; undefined when missing, corrupt or of the wrong shape. */
/**
 * A cheap identity of the pid file's current version (inode, mtime, size), or undefined when
 * there is none: one stat instead of a read, for the per-request status checks.
 */
export function pidFileStamp(path: string): string | undefined {
  try {
    const st = statSync(path, { bigint: true });
    return `${st.ino}:${st.mtimeNs}:${st.size}`;
  } catch {
    return undefined;
  }
}

export async function readPidFile(path: string): Promise<PidRecord | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const v = JSON.parse(text) as Partial<PidRecord>;
    const ok =
      Number.isInteger(v.pid) && (v.pid ?? 0) > 1 &&
      typeof v.host === 'string' &&
      Number.isInteger(v.port) &&
      typeof v.startedAt === 'string' &&
      Array.isArray(v.command) && v.command.every((a) => typeof a === 'string');
    return ok ? (v as PidRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** Marks the recorded process as being stopped (if the file still records `pid`). */
export async function markStopping(path: string, pid: number): Promise<void> {
  const current = await readPidFile(path);
  if (current?.pid === pid) await writePidFile(path, { ...current, stopping: true });
}

/**
 * Removes the pid file if it still records `pid`. Call it holding the instance lock: the
 * check and the removal must not straddle another runtime's write of a new record.
 */
export async function removePidFile(path: string, pid: number): Promise<void> {
  const current = await readPidFile(path);
  if (current !== undefined && current.pid !== pid) return;
  await rm(path, { force: true });
}

/**
 * Removes a pid file judged stale from a read of `seen` (undefined: missing or unreadable),
 * unless it changed since: false when it now records another live or unmarked process (a
 * runtime started one meanwhile), which the caller must take up instead. Call it holding the
 * instance lock.
 */
export async function removeStalePidFile(path: string, seen: PidRecord | undefined): Promise<boolean> {
  const current = await readPidFile(path);
  if (current !== undefined && (current.pid !== seen?.pid || (await isRecordedProcess(current)))) return false;
  await rm(path, { force: true });
  return true;
}

/** True when `pid` exists and is not a zombie. */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name (which may contain spaces).
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc (not Linux): kill(0) is all we know.
  }
}

/**
 * True when the recorded process is alive and is the tenant we spawned: its
 * `/proc/<pid>/cmdline` equals the recorded argv (which names this instance's data dir and
 * port, or, for a pooled standby, carries its random `--tag`), so a recycled pid running
 * something else is never adopted or signalled.
 */
export async function isRecordedProcess(record: PidRecord): Promise<boolean> {
  if (!(await isAlive(record.pid))) return false;
  let raw: string;
  try {
    raw = await readFile(`/proc/${record.pid}/cmdline`, 'utf8');
  } catch {
    return false;
  }
  const argv = raw.split('\0');
  if (argv[argv.length - 1] === '') argv.pop();
  return argv.length === record.command.length && argv.every((a, i) => a === record.command[i]);
}
