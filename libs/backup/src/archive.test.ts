import assert from 'node:assert/strict';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { createArchive } from './archive.js';
import { defaultExtractLimits, extractArchive, MIN_MAX_BYTES, safeEntryPath, verifyArchive } from './extract.js';
import { generateBackupName, isValidBackupName } from './names.js';

let root: string;
const dataDir = () => join(root, 'data');

async function zipOf(entries: Record<string, string | Buffer>, out: string, rename: Record<string, string> = {}): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(entries)) zip.addBuffer(Buffer.from(data), name);
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(out));
  // yazl refuses hostile names: write a same-length placeholder, then patch the bytes
  let bytes = readFileSync(out);
  for (const [from, to] of Object.entries(rename)) bytes = Buffer.from(bytes.toString('latin1').split(from).join(to), 'latin1');
  writeFileSync(out, bytes);
  return out;
}

// Rewrites the uncompressed size the central directory declares for `name` (a 32-bit field).
function setDeclaredSize(path: string, name: string, declared: number): void {
  const bytes = readFileSync(path);
  const centralHeader = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  for (let at = bytes.indexOf(centralHeader); at >= 0; at = bytes.indexOf(centralHeader, at + 4)) {
    const nameLength = bytes.readUInt16LE(at + 28);
    if (bytes.toString('latin1', at + 46, at + 46 + nameLength) !== name) continue;
    bytes.writeUInt32LE(declared, at + 24);
    writeFileSync(path, bytes);
    return;
  }
  throw new Error(`${name} not found in ${path}`);
}

describe('backup archives', () => {
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'burrow-backup-'));
    mkdirSync(join(dataDir(), 'storage', 'col1', 'rec1'), { recursive: true });
    mkdirSync(join(dataDir(), 'storage', '.uploads'), { recursive: true });
    mkdirSync(join(dataDir(), 'backups'), { recursive: true });
    writeFileSync(join(dataDir(), 'storage', 'col1', 'rec1', 'a.txt'), 'file a');
    writeFileSync(join(dataDir(), 'storage', '.uploads', 'half.part'), 'partial');
    writeFileSync(join(dataDir(), 'backups', 'old.zip'), 'x');
    for (const name of ['data.db', 'auxiliary.db']) {
      const db = new Database(join(dataDir(), name));
      db.pragma('journal_mode = WAL');
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
      db.prepare('INSERT INTO t (v) VALUES (?)').run(name);
      db.close();
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('an archive holds consistent snapshots and storage, never backups or uploads in progress', async () => {
    // a writer keeps its WAL open and writes while the snapshot is taken
    const writer = new Database(join(dataDir(), 'data.db'));
    writer.prepare('INSERT INTO t (v) VALUES (?)').run('in wal');
    const out = join(root, 'out', 'b1.zip');
    const steps: string[] = [];
    const { size } = await createArchive({ dataDir: dataDir() }, out, join(root, 'work'), (_f, step) => steps.push(step));
    writer.prepare('INSERT INTO t (v) VALUES (?)').run('after');
    writer.close();
    assert.ok(size > 0);
    assert.ok(steps.includes('Snapshotting data.db') && steps.at(-1) === 'Done');
    const dest = join(root, 'extracted');
    await extractArchive(out, dest);
    assert.ok(existsSync(join(dest, 'auxiliary.db')));
    assert.equal(readFileSync(join(dest, 'storage', 'col1', 'rec1', 'a.txt'), 'utf8'), 'file a');
    assert.ok(!existsSync(join(dest, 'storage', '.uploads')));
    assert.ok(!existsSync(join(dest, 'backups')));
    const db = new Database(join(dest, 'data.db'), { readonly: true });
    assert.deepEqual(db.prepare('SELECT v FROM t ORDER BY id').all().map((r) => (r as { v: string }).v), ['data.db', 'in wal']);
    db.close();
    await verifyArchive(out, join(root, 'work'));
    assert.deepEqual(readdirSync(join(root, 'out')), ['b1.zip'], 'no part file left');

    // stored (a point in time restored right away): no compression, the same content
    const stored = join(root, 'out', 'stored.zip');
    await createArchive({ dataDir: dataDir() }, stored, join(root, 'work'), undefined, undefined, { store: true });
    const methods = await new Promise<number[]>((resolve, reject) => {
      yauzl.open(stored, { lazyEntries: true }, (err, zip) => {
        if (err || !zip) return reject(err);
        const seen: number[] = [];
        zip.on('entry', (e: yauzl.Entry) => { seen.push(e.compressionMethod); zip.readEntry(); });
        zip.on('end', () => resolve(seen));
        zip.readEntry();
      });
    });
    assert.ok(methods.length > 0 && methods.every((m) => m === 0), `stored entries: ${methods.join(',')}`);
    await verifyArchive(stored, join(root, 'work'));
    rmSync(stored);
  });

  test('bad archives are refused with a reason: foreign, truncated, traversal, corrupt database', async () => {
    const work = join(root, 'work');
    const cases: Array<[string, () => Promise<string>, RegExp]> = [
      ['not a zip', async () => { const p = join(root, 'plain.zip'); writeFileSync(p, 'hello'); return p; }, /not a valid zip/],
      ['a zip without data.db', () => zipOf({ 'readme.txt': 'hi' }, join(root, 'foreign.zip')), /data\.db is missing/],
      ['a path escaping the directory', () => zipOf({ 'data.db': 'x', 'xxxxx/evil.txt': 'evil' }, join(root, 'evil.zip'), { 'xxxxx/evil.txt': '../../evil.txt' }), /unsafe path|invalid relative path/],
      ['an absolute path', () => zipOf({ 'data.db': 'x', 'xetc/evil': 'evil' }, join(root, 'abs.zip'), { 'xetc/evil': '/etc/evil' }), /unsafe path|absolute path|invalid/],
      ['a file and a directory of the same name', () => zipOf({ 'data.db': 'x', storage: 'file', 'storage/x.txt': 'y' }, join(root, 'clash.zip')), /not a valid|EEXIST|ENOTDIR/],
      ['a database that is not one', () => zipOf({ 'data.db': 'not sqlite at all' }, join(root, 'corrupt.zip')), /not an SQLite database|integrity/],
      ['a truncated archive', async () => {
        const p = join(root, 'trunc.zip');
        await createArchive({ dataDir: dataDir() }, p, work);
        truncateSync(p, 200);
        return p;
      }, /not a valid/],
    ];
    for (const [name, make, re] of cases) {
      const path = await make();
      await assert.rejects(verifyArchive(path, work), re, name);
    }
    assert.ok(!existsSync(join(root, 'evil.txt')));
    assert.ok(!existsSync(join(tmpdir(), 'evil.txt')) || readFileSync(join(tmpdir(), 'evil.txt'), 'utf8') !== 'evil');
  });

  test('extraction is bounded: total bytes, entry count, sizes that lie; refused before writing, nothing left behind', async () => {
    const dest = join(root, 'bounded');
    // 64 MiB of zeros deflate to a few hundred KiB: a small bomb
    const bomb = await zipOf({ 'data.db': 'x', 'storage/zeros.bin': Buffer.alloc(64 * 2 ** 20) }, join(root, 'bomb.zip'));
    await assert.rejects(extractArchive(bomb, dest, { limits: { maxBytes: 16 * 2 ** 20 } }), /archive refused: its contents are larger than the 16\.0 MiB allowed/);
    assert.ok(!existsSync(dest), 'nothing written');
    const many = await zipOf(Object.fromEntries([['data.db', 'x'], ...Array.from({ length: 5 }, (_, i) => [`storage/f${i}.txt`, 'y'])]), join(root, 'many.zip'));
    await assert.rejects(extractArchive(many, dest, { limits: { maxEntries: 3 } }), /holds 6 entries, more than the 3 allowed/);
    await assert.rejects(verifyArchive(many, join(root, 'work'), { limits: { maxEntries: 3 } }), /more than the 3 allowed/);
    assert.ok(!existsSync(dest));
    // an entry whose central directory declares fewer bytes than its data holds is cut off, not written in full
    const liar = await zipOf({ 'data.db': 'x', 'storage/big.bin': Buffer.alloc(2 ** 20) }, join(root, 'liar.zip'));
    setDeclaredSize(liar, 'storage/big.bin', 1000);
    await assert.rejects(extractArchive(liar, dest), /not a valid backup archive: .*(too many bytes|size)/i);
    assert.ok(!existsSync(dest));
    // within the limits it extracts
    await extractArchive(bomb, dest, { limits: { maxBytes: 65 * 2 ** 20 } });
    assert.equal(readFileSync(join(dest, 'storage', 'zeros.bin')).length, 64 * 2 ** 20);
    rmSync(dest, { recursive: true });
    // the defaults: 100 times the archive, never below 1 GiB
    assert.equal(defaultExtractLimits(1000).maxBytes, MIN_MAX_BYTES);
    assert.equal(defaultExtractLimits(50 * 2 ** 20).maxBytes, 5000 * 2 ** 20);
    assert.equal(defaultExtractLimits(1).maxEntries, 1_000_000);
  });

  test('safeEntryPath and names', () => {
    assert.equal(safeEntryPath('/d', '../x'), undefined);
    assert.equal(safeEntryPath('/d', 'a/../../x'), undefined);
    assert.equal(safeEntryPath('/d', 'C:/x'), undefined);
    assert.equal(safeEntryPath('/d', 'a\\b'), undefined);
    assert.equal(safeEntryPath('/d', 'storage/a/b.txt'), '/d/storage/a/b.txt');
    for (const ok of ['a.zip', 'pb_backup_x-1.zip']) assert.ok(isValidBackupName(ok), ok);
    for (const bad of ['', 'A.zip', 'a.tar', '../a.zip', 'a/b.zip', 'a b.zip', '.zip.zip', `${'a'.repeat(150)}.zip`]) assert.ok(!isValidBackupName(bad), bad);
    assert.equal(generateBackupName('My App', 'pb_backup_', new Date('2026-01-02T03:04:05Z')), 'pb_backup_my_app_20260102030405.zip');
  });
});
