/**
 * A worker process killed (SIGKILL) in the middle of an `instance.backup` of a sizeable
 * instance: the instance's data stays intact, the half-written archive never counts as a backup
 * (the orphaned archiver notices its parent is gone and removes its part file), and the next
 * worker takes the job over and completes it. Real Redis, real tenants, the worker's real entry
 * point (main.ts) as the process that is killed. Run `npx tsc -b` first (the tenant runs from
 * apps/tenant/dist).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { extractArchive, isValidBackupName, verifyArchive } from '@burrow/backup';
import Database from 'better-sqlite3';
import { httpRequest } from '@burrow/runtime';
import { startWorker, type RunningWorker } from './start_worker.js';
import { WorkerFixture, type TestInstance } from './test_support/fixture.js';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), 'main.ts');
/** What tsx compiles the Nest code with (legacy decorators), as scripts/test.mjs sets it. */
const TSX_TSCONFIG = join(dirname(MAIN), '..', '..', '..', 'tsconfig.tsx.json');
/** Rows of incompressible data: about 256 MiB, so archiving takes seconds. */
const ROWS = 2048;
const ROW_BYTES = 128 * 1024;

/** Pids of `burrow-tenant backup create` processes archiving `dataDir`. */
function archiverPids(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.includes('backup') && argv.includes('create') && argv.includes(dataDir)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** The bulk table's row count and total bytes, and integrity_check, of a database file. */
function bulkOf(path: string): { rows: number; bytes: number; integrity: string } {
  const db = new Database(path, { readonly: true });
  try {
    const integrity = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('; ');
    const { rows, bytes } = db.prepare('SELECT count(*) AS rows, sum(length(data)) AS bytes FROM bulk').get() as { rows: number; bytes: number };
    return { rows, bytes, integrity };
  } finally {
    db.close();
  }
}

describe('a worker killed mid-backup', { timeout: 240_000 }, () => {
  let f: WorkerFixture;
  let inst: TestInstance;
  let victim: ChildProcess | undefined;
  let worker: RunningWorker | undefined;

  before(async () => {
    f = await WorkerFixture.start();
  });

  after(async () => {
    victim?.kill('SIGKILL');
    await worker?.close();
    await f?.stop();
  });

  test('the data stays intact, no partial archive counts, and the job completes after a restart', async () => {
    // A running instance with sizeable data.
    const setup = await startWorker(f.config, { logger: false });
    inst = await f.createInstance();
    const provisioned = await f.finishedRun(await f.enqueue('instance.provision', { instanceId: inst.id }), 60_000);
    assert.equal(provisioned.state, 'completed', provisioned.error ?? '');
    await setup.close();
    const dataDb = join(f.dataDir(inst.id), 'data.db');
    const db = new Database(dataDb);
    db.exec('CREATE TABLE bulk (id INTEGER PRIMARY KEY, data BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO bulk (data) VALUES (randomblob(?))');
    db.transaction(() => {
      for (let i = 0; i < ROWS; i++) insert.run(ROW_BYTES);
    })();
    db.close();
    const expected = { rows: ROWS, bytes: ROWS * ROW_BYTES, integrity: 'ok' };
    assert.deepEqual(bulkOf(dataDb), expected);

    // The worker as its own process, killed once the archive is being written.
    const env = { DATA_DIR: f.config.dataDir, REDIS_URL: f.config.redisUrl ?? '', BURROW_HOST: f.config.hostId, TSX_TSCONFIG_PATH: TSX_TSCONFIG };
    const proc = spawn(process.execPath, ['--import', 'tsx', MAIN], { env, cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    victim = proc;
    let output = '';
    proc.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
    proc.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.once('exit', (_code, signal) => resolve(signal)));
    await f.until(async () => output, (o) => o.includes('ready: host'), 30_000, 'the worker process to be ready');

    const runId = await f.enqueue('instance.backup', { instanceId: inst.id, name: 'big.zip' });
    const backups = join(f.config.backupsDir, inst.id);
    const parts = () => (existsSync(backups) ? readdirSync(backups).filter((n) => n.endsWith('.part')) : []);
    const writing = await f.until(async () => parts().filter((n) => statSync(join(backups, n), { throwIfNoEntry: false })?.size), (p) => p.length > 0, 60_000, 'the archive to be written');
    assert.equal(writing.length, 1);
    proc.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    victim = undefined;

    // The archiver it had started stops by itself and takes its part file with it.
    await f.until(async () => archiverPids(f.dataDir(inst.id)), (p) => p.length === 0, 15_000, 'the orphaned archiver to stop');
    assert.deepEqual(parts(), [], 'no part file left');
    assert.deepEqual(readdirSync(backups).filter(isValidBackupName), [], 'no archive counts as a backup');
    assert.deepEqual(bulkOf(dataDb), expected, 'the data is intact');

    // The next worker takes the job over (once the dead one's lock expires) and completes it.
    worker = await startWorker(f.config, { logger: false, lockDurationMs: 3_000, stalledIntervalMs: 1_000 });
    const run = await f.finishedRun(runId, 120_000);
    assert.equal(run.state, 'completed', run.error ?? '');
    assert.deepEqual(readdirSync(backups), ['big.zip'], 'one complete archive, nothing else');
    const archive = join(backups, 'big.zip');
    await verifyArchive(archive, join(f.config.dataDir, 'verify'));
    const extracted = join(f.config.dataDir, 'big-extracted');
    await extractArchive(archive, extracted);
    assert.deepEqual(bulkOf(join(extracted, 'data.db')), expected, 'the archive holds every row');
    assert.deepEqual(bulkOf(dataDb), expected, 'the data is still intact');
    assert.equal((await httpRequest(`${f.recordedUrl(inst.id)}/api/health`)).status, 200, 'the instance kept serving');
  });
});
