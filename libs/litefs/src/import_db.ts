/** `litefs import`: loads a SQLite database into a running primary (never a copy into the mount). */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';

/** better-sqlite3 as this package resolves it, for the snapshot's child process. */
const BETTER_SQLITE3 = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * `VACUUM INTO` in a child process: it reads the whole database, which for a large one would
 * hold the caller's event loop (a worker's lock renewals) for as long.
 */
function snapshot(file: string, out: string, timeoutMs: number): Promise<void> {
  const script = `const D = require(process.argv[1]); const db = new D(process.argv[2], { readonly: true, fileMustExist: true }); try { db.prepare('VACUUM INTO ?').run(process.argv[3]); } finally { db.close(); }`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script, BETTER_SQLITE3, file, out], { timeout: timeoutMs, env: {} }, (err, _stdout, stderr) => {
      if (err) {
        const why = stderr.split('\n').find((l) => /Error|SqliteError/.test(l)) ?? err.message;
        reject(new Error(`snapshot of ${file}: ${why.trim()}`));
        return;
      }
      resolve();
    });
  });
}

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
 * in a child process (written to `scratch`, removed after): writes still in the source's WAL are included, and a
 * file that is not a SQLite database is refused before LiteFS sees it. Rejects with the reason.
 */
export async function importDatabase(bin: string, apiUrl: string, name: string, file: string, scratch = `${file}.litefs-import`, timeoutMs = 300_000): Promise<void> {
  await rm(scratch, { force: true });
  try {
    await snapshot(file, scratch, timeoutMs);
    await runImport(bin, apiUrl, name, scratch, timeoutMs);
  } finally {
    await rm(scratch, { force: true });
  }
}
