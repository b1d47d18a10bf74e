/**
 * Runs `burrow-tenant backup create|verify|extract|restore` and follows its JSON progress lines.
 * A separate entry point (`@burrow/backup/command`): callers that only start the command (the
 * runtime, loaded by the proxy too) do not load SQLite or the zip code.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';

/** The exit code of a backup command that refused its archive (bad, hostile or too large); its reason is on stderr. */
export const ARCHIVE_REFUSED_EXIT = 2;

/** How a backup command is followed. */
export interface CommandOptions {
  /** Progress as a fraction in [0, 1] and a step name. */
  onProgress?: (fraction: number, step: string) => void;
  /** Stops the command (its partial archive is removed). */
  signal?: AbortSignal;
}

/** A backup command that failed: its error output and exit code (null when it did not exit by itself). */
export class BackupCommandError extends Error {
  constructor(message: string, readonly exitCode: number | null) {
    super(message);
  }

  /** Whether the command refused its input archive (the caller's fault, not a failure of the command). */
  get refused(): boolean {
    return this.exitCode === ARCHIVE_REFUSED_EXIT;
  }
}

/**
 * Reads one stdout line of a backup command: reports a progress line to `onProgress`; returns
 * the archive size (0 for commands without an archive) on the final `done` line.
 */
export function readProgressLine(line: string, onProgress?: (fraction: number, step: string) => void): number | undefined {
  let msg: { progress?: unknown; step?: unknown; done?: unknown; size?: unknown };
  try {
    msg = JSON.parse(line) as typeof msg;
  } catch {
    return undefined; // not a progress line
  }
  if (msg === null || typeof msg !== 'object') return undefined;
  if (typeof msg.progress === 'number') onProgress?.(msg.progress, typeof msg.step === 'string' ? msg.step : '');
  if (msg.done === true) return typeof msg.size === 'number' ? msg.size : 0;
  return undefined;
}

/** Spawns the command; resolves with the archive size (0 for the others), rejects with a BackupCommandError. */
export function runBackupCommand(nodePath: string, args: string[], env: NodeJS.ProcessEnv | undefined, opts: CommandOptions = {}): Promise<{ size: number }> {
  const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
  return new Promise((resolve, reject) => {
    const child = spawn(nodePath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], signal: opts.signal });
    let stderr = '';
    let pending = '';
    let size = -1;
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const done = readProgressLine(line, opts.onProgress);
        if (done !== undefined) size = done;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 8192) stderr += chunk.toString('utf8');
    });
    // the command writes `<out>.<its pid>.part` (libs/backup partFileOf)
    const removePart = () => (out && child.pid ? rm(`${out}.${child.pid}.part`, { force: true }) : Promise.resolve());
    child.on('error', (err) => {
      void removePart().finally(() => reject(new BackupCommandError(err.message, null)));
    });
    child.on('close', (code) => {
      if (code === 0 && size >= 0) resolve({ size });
      else void removePart().finally(() => reject(new BackupCommandError(stderr.trim() || `${args[1] ?? 'backup'} ${args[2] ?? ''} exited with ${code}`, code)));
    });
  });
}
