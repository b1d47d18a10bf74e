/** `litefs import`: loads a SQLite database into a running primary (never a copy into the mount). */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import Database from 'better-sqlite3';

function runImport(bin: string, apiUrl: string, name: string, file: string, timeoutMs: number): Promise<void> {
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

/**
 * Uploads the database at `file` as `name` to the primary whose API is `apiUrl`, replacing a
 * database of that name. What is uploaded is a consistent snapshot taken with `VACUUM INTO`
 * (written to `scratch`, removed after): writes still in the source's WAL are included, and a
 * file that is not a SQLite database is refused before LiteFS sees it. Rejects with the reason.
 */
export async function importDatabase(bin: string, apiUrl: string, name: string, file: string, scratch = `${file}.litefs-import`, timeoutMs = 300_000): Promise<void> {
  await rm(scratch, { force: true });
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      db.prepare('VACUUM INTO ?').run(scratch);
    } finally {
      db.close();
    }
    await runImport(bin, apiUrl, name, scratch, timeoutMs);
  } finally {
    await rm(scratch, { force: true });
  }
}
