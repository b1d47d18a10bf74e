/** Runs a short command to its end with some input, collecting its output (bounded). */
import { spawn } from 'node:child_process';

const MAX_OUTPUT = 64 * 1024;

/** How the command ended. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns `command args` with exactly `env`, writes `stdin` (if any), resolves when it exits. */
export function runToEnd(command: string, args: string[], env: Record<string, string>, stdin?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += c.toString('utf8');
    });
    child.stdin.on('error', () => undefined); // it may exit without reading
    child.stdin.end(stdin ?? '');
    child.on('error', (err) => resolve({ code: null, stdout, stderr: err.message }));
    child.on('close', (code) => resolve({ code, stdout, stderr: stderr.trim() }));
  });
}
