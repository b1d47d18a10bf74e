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

/** Runs `litestream <args>` to completion; resolves with stdout, rejects with its error output. */
export function runLitestream(bin: string, args: string[], opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { signal: opts.signal, timeout: opts.timeoutMs, maxBuffer: 16 * 1024 * 1024, env: {} }, (err, stdout, stderr) => {
      if (err) {
        const why = lastErrorLine(stderr) || err.message;
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
