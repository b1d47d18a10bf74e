/** Finds the Litestream binary and runs its one-shot commands. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The npm package that ships a static Litestream v0.3.13 for linux/x64. */
const PACKAGE = '@flydotio/litestream-linux-x64';

/** Why Litestream cannot be used here. */
export class LitestreamUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LitestreamUnavailableError';
  }
}

/**
 * The binary: `override` when given (config), else the one in the npm package. The package's
 * own wrapper is not used: it swallows exit codes.
 */
export function litestreamBinary(override?: string): string {
  if (override) {
    if (!existsSync(override)) throw new LitestreamUnavailableError(`litestream binary not found at ${override}`);
    return override;
  }
  try {
    const pkg = createRequire(import.meta.url).resolve(`${PACKAGE}/package.json`);
    const bin = join(dirname(pkg), 'litestream');
    if (existsSync(bin)) return bin;
  } catch {
    // not installed (another platform than linux/x64): reported below
  }
  throw new LitestreamUnavailableError(`litestream is not installed (npm package ${PACKAGE}, linux/x64 only; or set its path in the config)`);
}

/** Options of runLitestream. */
export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * Fail on an error logged even when the exit code is 0: `generations` logs a replica it
   * cannot read (wrong credentials, a missing bucket, an unreachable store) to stdout and exits
   * 0 with an empty table, which would read as "no backup yet".
   */
  failOnErrorLog?: boolean;
}

/** Runs `litestream <args>` to completion; resolves with stdout, rejects with its error output. */
export function runLitestream(bin: string, args: string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { signal: opts.signal, timeout: opts.timeoutMs, maxBuffer: 16 * 1024 * 1024, env: {} }, (err, stdout, stderr) => {
      // Its logger writes to stdout, its last words (a failed command's reason) to stderr.
      const logged = errorLogLines(`${stdout}\n${stderr}`);
      if (err || (opts.failOnErrorLog && logged.length > 0)) {
        const why = logged.length > 0 ? logged.map(describeLogLine).join('; ') : lastErrorLine(`${stdout}\n${stderr}`) || err?.message;
        reject(new Error(`litestream ${args[0] ?? ''}: ${why}`));
        return;
      }
      resolve(stdout);
    });
  });
}

/** The most telling line of Litestream's stderr (its errors come last, as `error` or `level=ERROR`). */
function lastErrorLine(stderr: string): string {
  const lines = stderr.trim().split('\n').filter(Boolean);
  return lines.reverse().find((l) => /error/i.test(l)) ?? lines[0] ?? '';
}

/** Litestream's `level=ERROR` log lines (its logger writes to stdout, its last words to stderr). */
function errorLogLines(output: string): string[] {
  return output.split('\n').filter((l) => /\blevel=ERROR\b/.test(l));
}

/** A logfmt line (`time=... level=ERROR msg="..." error="..."`) as "msg: error" on one line. */
function describeLogLine(line: string): string {
  const fields: Record<string, string> = {};
  for (const m of line.matchAll(/(\w[\w.-]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const [, key = '', raw = ''] = m;
    let value = raw;
    if (raw.startsWith('"')) {
      try {
        value = JSON.parse(raw) as string;
      } catch {
        value = raw.slice(1, -1);
      }
    }
    fields[key] = value;
  }
  const text = [fields.msg, fields.error].filter(Boolean).join(': ') || line;
  return text.replace(/\s*\n\s*/g, ' ');
}
