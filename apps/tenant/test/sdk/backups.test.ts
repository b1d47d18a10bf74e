/**
 * Backups through the SDK's `pb.backups` against a live `burrow-tenant serve`: create (a
 * consistent snapshot while a writer keeps writing), list, download with a superuser file
 * token, upload (valid archives only), delete, and restore, after which the server serves
 * the restored data.
 */
import assert from 'node:assert/strict';
import { copyFileSync, createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test } from 'node:test';
import { extractArchive } from '@burrow/backup';
import Database from 'better-sqlite3';
import type PocketBase from 'pocketbase';
import yazl from 'yazl';
import { DEFAULT_SUPERUSER, startTenant, type ServerHandle } from '../support/processes.js';
import { rejectsWith, sdkClient, signedInUsers } from '../support/sdk.js';

let server: ServerHandle;
let su: PocketBase;
let scratch: string;
const client = (): PocketBase => sdkClient(server.url);

async function download(key: string, token: string): Promise<{ status: number; type: string | null; body: Buffer }> {
  const res = await fetch(su.backups.getDownloadURL(token, key));
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

const count = async () => (await su.collection('notes').getList(1, 1)).totalItems;

/** A zip bomb shaped as a backup: a data.db and 1.1 GiB of zeros that deflate to a few MiB. */
async function zipBomb(out: string): Promise<string> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('not even a database'), 'data.db');
  const chunk = Buffer.alloc(2 ** 20);
  zip.addReadStream(Readable.from((function* () { for (let i = 0; i < 1100; i++) yield chunk; })()), 'storage/c/r/zeros.bin', { compressionLevel: 1 });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(out));
  return out;
}

/** What the tenant keeps in its temp area and upload area (both must be empty after a refusal). */
const leftovers = () => ['.pb_temp_to_delete', 'storage/.uploads'].flatMap((d) => (existsSync(join(server.dir, d)) ? readdirSync(join(server.dir, d)) : []));

describe('backups through the SDK', { timeout: 180_000 }, () => {
  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'burrow-backups-test-'));
    server = await startTenant();
    su = client();
    await su.collection('_superusers').authWithPassword(DEFAULT_SUPERUSER.email, DEFAULT_SUPERUSER.password);
    await su.collections.create({ name: 'notes', type: 'base', listRule: '', viewRule: '', createRule: '', fields: [{ name: 'n', type: 'number' }] });
    for (let n = 1; n <= 3; n++) await su.collection('notes').create({ n });
  });
  after(async () => {
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('create and list; names are checked; only superusers', async () => {
    await su.backups.create('first.zip');
    const list = await su.backups.getFullList();
    const first = list.find((b) => b.key === 'first.zip');
    assert.ok(first && first.size > 0);
    assert.match(first.modified, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    for (const bad of ['../x.zip', 'UPPER.zip', 'a.tar']) await rejectsWith(su.backups.create(bad), 400);
    await rejectsWith(su.backups.create('first.zip'), 400);
    const [user] = await signedInUsers(su, ['backup-user@example.com'], 'password-123');
    await rejectsWith(user.pb.backups.getFullList(), 403);
    await rejectsWith(client().backups.create('x.zip'), 401);
    // a generated name when none is given
    await su.backups.create('');
    assert.ok((await su.backups.getFullList()).some((b) => /^pb_backup_acme_\d{14}\.zip$/.test(b.key)));
  });

  test('download needs a superuser file token', async () => {
    const token = await su.files.getToken();
    const ok = await download('first.zip', token);
    assert.equal(ok.status, 200);
    assert.equal(ok.type, 'application/zip');
    assert.equal(ok.body.subarray(0, 2).toString(), 'PK');
    writeFileSync(join(scratch, 'first.zip'), ok.body);
    assert.equal((await download('first.zip', '')).status, 403);
    const [user] = await signedInUsers(su, ['downloader@example.com'], 'password-123');
    assert.equal((await download('first.zip', await user.pb.files.getToken())).status, 403);
    assert.equal((await download('missing.zip', token)).status, 404);
    assert.equal((await fetch(`${server.url}/api/backups/..%2Fdata.db?token=${token}`)).status, 404);
  });

  test('uploads: a real backup is accepted; anything else is refused and changes nothing', async () => {
    const upload = (bytes: Buffer, name: string) => su.backups.upload({ file: new File([bytes], name) });
    await upload(readFileSync(join(scratch, 'first.zip')), 'copy.zip');
    assert.ok((await su.backups.getFullList()).some((b) => b.key === 'copy.zip'));

    const foreign = join(scratch, 'foreign.zip');
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('hello'), 'readme.txt');
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(foreign));
    const before = (await su.backups.getFullList()).map((b) => b.key).sort();
    const bad: Array<[Buffer, string]> = [
      [Buffer.from('not a zip'), 'plain.zip'],
      [readFileSync(foreign), 'foreign.zip'],
      [readFileSync(join(scratch, 'first.zip')).subarray(0, 300), 'truncated.zip'],
      [readFileSync(join(scratch, 'first.zip')), 'Not Valid.zip'],
      [readFileSync(join(scratch, 'first.zip')), 'first.zip'],
    ];
    for (const [bytes, name] of bad) {
      const err = await rejectsWith(upload(bytes, name), 400);
      assert.ok('file' in (err.response.data as object), `${name}: ${JSON.stringify(err.response)}`);
    }
    assert.deepEqual((await su.backups.getFullList()).map((b) => b.key).sort(), before);
    // a client path in the file name is dropped by the multipart parser: the archive lands in backups/
    await upload(readFileSync(join(scratch, 'first.zip')), '../../escape.zip');
    assert.ok((await su.backups.getFullList()).some((b) => b.key === 'escape.zip'));
  });

  test('a zip bomb is refused (400 with the reason, PocketBase error body) as an upload and as a restore; nothing is left behind', async () => {
    const bomb = await zipBomb(join(scratch, 'bomb.zip'));
    assert.ok(statSync(bomb).size < 10 * 2 ** 20, 'a small archive');
    const before = (await su.backups.getFullList()).map((b) => b.key).sort();
    const err = await rejectsWith(su.backups.upload({ file: new File([readFileSync(bomb)], 'bomb.zip') }), 400);
    const body = err.response as { status: number; message: string; data: { file?: { code: string; message: string } } };
    assert.equal(body.status, 400);
    assert.equal(body.data.file?.code, 'validation_invalid_backup');
    assert.match(body.data.file?.message ?? '', /^Not a valid backup: archive refused: its contents are larger than the 1\.0 GiB allowed for it/);
    assert.deepEqual((await su.backups.getFullList()).map((b) => b.key).sort(), before);
    assert.deepEqual(leftovers(), []);

    // an archive that reached the backups dir another way is refused the same way by a restore
    copyFileSync(bomb, join(server.dir, 'backups', 'bomb.zip'));
    const restore = await rejectsWith(su.backups.restore('bomb.zip'), 400);
    assert.match((restore.response as { message: string }).message, /^Archive refused: its contents are larger than the 1\.0 GiB allowed/);
    assert.equal(await count(), 3, 'the data is untouched');
    assert.deepEqual(leftovers(), []);
    await su.backups.delete('bomb.zip');
  });

  test('a backup taken while a writer writes is consistent: a prefix of the writes, integrity ok', async () => {
    let writing = true;
    const written: number[] = [];
    const writer = (async () => {
      for (let n = 100; writing && n < 2000; n++) {
        await su.collection('notes').create({ n });
        written.push(n);
      }
    })();
    while (written.length < 5) await new Promise((r) => setTimeout(r, 10));
    await su.backups.create('busy.zip');
    writing = false;
    await writer;
    const token = await su.files.getToken();
    const zipPath = join(scratch, 'busy.zip');
    writeFileSync(zipPath, (await download('busy.zip', token)).body);
    const dest = join(scratch, 'busy');
    await extractArchive(zipPath, dest);
    const db = new Database(join(dest, 'data.db'), { readonly: true });
    assert.equal((db.pragma('integrity_check') as Array<{ integrity_check: string }>)[0].integrity_check, 'ok');
    const ns = (db.prepare('SELECT n FROM notes WHERE n >= 100 ORDER BY n').all() as Array<{ n: number }>).map((r) => r.n);
    db.close();
    assert.deepEqual(ns, written.slice(0, ns.length), 'the snapshot holds exactly the first writes, no gaps');
    assert.ok(ns.length >= 5 && ns.length <= written.length);
  });

  test('restore: the server comes back on the restored data; delete removes an archive', async () => {
    assert.ok((await count()) > 3);
    await su.backups.restore('first.zip');
    // the server restarts in place: wait until it answers with the restored data
    const until = Date.now() + 30_000;
    let n = -1;
    while (Date.now() < until) {
      n = await count().catch(() => -1);
      if (n === 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(n, 3);
    assert.ok((await su.backups.getFullList()).some((b) => b.key === 'busy.zip'), 'the backups survive a restore');
    await rejectsWith(su.backups.restore('missing.zip'), 400);
    await su.backups.delete('copy.zip');
    await rejectsWith(su.backups.delete('copy.zip'), 400);
  });
});
