import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { createArchive } from './archive.js';
import { planSwap, prepareRestore, type SwapOps } from './restore.js';

let root: string;
const dataDir = () => join(root, 'data');
const extracted = () => join(root, 'work', 'restore_x');
const aside = () => join(root, 'work', 'old_x');

/** A directory's files as `relative path -> content`, to compare whole trees. */
function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, tree(join(dir, e.name), rel));
    else out[rel] = readFileSync(join(dir, e.name), 'utf8');
  }
  return out;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
}

const CURRENT = { 'data.db': 'current db', 'auxiliary.db': 'current aux', 'storage/c1/r1/a.txt': 'current file', 'hooks.js': 'current hook', 'backups/keep.zip': 'a backup' };
const RESTORED = { 'data.db': 'restored db', 'storage/c1/r2/b.txt': 'restored file' };

/** Renames that fail on the `failAt`-th call (1-based): a missing or blocked entry. */
function failingOps(failAt: number): SwapOps & { calls: number; failAt: number; failed: string[] } {
  const ops = {
    calls: 0,
    failAt,
    failed: [] as string[],
    rename(from: string, to: string) {
      ops.calls++;
      if (ops.calls === ops.failAt) {
        ops.failed.push(from);
        throw Object.assign(new Error(`EBUSY: resource busy or locked, rename '${from}'`), { code: 'EBUSY' });
      }
      renameSync(from, to);
    },
    remove: (dir: string) => rmSync(dir, { recursive: true, force: true }),
  };
  return ops;
}

describe('restore swap', () => {
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'burrow-restore-'));
    write(dataDir(), CURRENT);
    write(extracted(), RESTORED);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('a swap moves the current data aside and the extracted in; cleanup removes the old; backups stay', () => {
    const plan = planSwap(dataDir(), extracted(), aside());
    plan.swap();
    assert.deepEqual(tree(dataDir()), { ...RESTORED, 'backups/keep.zip': 'a backup' });
    plan.cleanup();
    assert.ok(!existsSync(aside()) && !existsSync(extracted()));
  });

  test('a swap failing part way while moving the current data out: revert puts back exactly what moved', () => {
    // The 3rd rename fails: two entries are aside, the others never left the data dir.
    const ops = failingOps(3);
    const plan = planSwap(dataDir(), extracted(), aside(), ops);
    assert.throws(() => plan.swap(), /EBUSY/);
    assert.equal(ops.failed.length, 1);
    assert.ok(readdirSync(aside()).length === 2, 'two entries were moved before the failure');
    plan.revert();
    assert.deepEqual(tree(dataDir()), CURRENT, 'the data dir is as it was');
    assert.deepEqual(tree(extracted()), RESTORED, 'the extraction is untouched');
    plan.cleanup();
    assert.deepEqual(tree(dataDir()), CURRENT);
    assert.ok(!existsSync(aside()) && !existsSync(extracted()));
  });

  test('a swap failing while moving the extracted data in: revert undoes both phases in reverse', () => {
    // 4 current entries go out, then the 2nd extracted entry fails.
    const plan = planSwap(dataDir(), extracted(), aside(), failingOps(6));
    assert.throws(() => plan.swap(), /EBUSY/);
    plan.revert();
    assert.deepEqual(tree(dataDir()), CURRENT);
    assert.deepEqual(tree(extracted()), RESTORED);
  });

  test('revert after a full swap also moves away what opening the restored data created', () => {
    const plan = planSwap(dataDir(), extracted(), aside());
    plan.swap();
    // the restored database was opened (and failed): it left a WAL and a new auxiliary.db
    write(dataDir(), { 'data.db-wal': 'wal of the restored db', 'auxiliary.db': 'made by the failed open' });
    plan.revert();
    assert.deepEqual(tree(dataDir()), CURRENT);
    plan.cleanup();
    assert.deepEqual(readdirSync(join(root, 'work')), []);
  });

  test('a revert that cannot put an entry back says so, and cleanup keeps the data set aside', () => {
    const ops = failingOps(Number.POSITIVE_INFINITY);
    const plan = planSwap(dataDir(), extracted(), aside(), ops);
    plan.swap();
    // the revert undoes the 2 ins first, then the 4 outs in reverse: the first of those fails
    ops.calls = 0;
    ops.failAt = 3;
    assert.throws(() => plan.revert(), /could not put all of the previous data back/);
    plan.cleanup();
    assert.equal(readdirSync(aside()).length, 1, 'the entry that did not go back is kept');
    assert.deepEqual({ ...tree(dataDir()), ...tree(aside()) }, CURRENT, 'nothing lost: the data dir plus what is kept aside is the previous data');
  });

  test('prepareRestore: a real archive extracted, checked and swapped in', async () => {
    rmSync(dataDir(), { recursive: true });
    mkdirSync(join(dataDir(), 'storage'), { recursive: true });
    const db = new Database(join(dataDir(), 'data.db'));
    db.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('backed up')");
    db.close();
    const archive = join(root, 'b.zip');
    await createArchive({ dataDir: dataDir() }, archive, join(root, 'snap'));
    const again = new Database(join(dataDir(), 'data.db'));
    again.exec("INSERT INTO t VALUES ('later')");
    again.close();
    const work = join(root, 'restore-work');
    const plan = await prepareRestore(dataDir(), archive, work);
    plan.swap();
    const restored = new Database(join(dataDir(), 'data.db'), { readonly: true });
    assert.deepEqual(restored.prepare('SELECT v FROM t').all(), [{ v: 'backed up' }]);
    restored.close();
    plan.cleanup();
    assert.deepEqual(readdirSync(work), []);
  });
});
