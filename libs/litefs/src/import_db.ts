/** `litefs import`: loads a SQLite file into a running primary (never a copy into the mount). */
import { execFile } from 'node:child_process';

/**
 * Uploads `file` as database `name` to the primary whose API is `apiUrl`; it replaces a
 * database of that name. The file must be a consistent SQLite database (its WAL checkpointed,
 * no writer). Rejects with LiteFS's reason.
 */
export function importDatabase(bin: string, apiUrl: string, name: string, file: string, timeoutMs = 300_000): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(bin, ['import', '-url', apiUrl, '-name', name, file], { timeout: timeoutMs, env: {} }, (err, stdout, stderr) => {
      if (err) {
        const why = `${stderr}\n${stdout}`.trim().split('\n').filter(Boolean).pop() ?? err.message;
        reject(new Error(`litefs import: ${why}`));
        return;
      }
      resolve();
    });
  });
}
