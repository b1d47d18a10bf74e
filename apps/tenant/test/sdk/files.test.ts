/**
 * Files through the official SDK against a live `burrow-tenant serve`: uploads (single,
 * multiple, +/- modifiers, batch), validation, storage layout and clean-up, downloads with
 * ranges and caching, thumbs of every size kind, protected files with file tokens, and
 * attempts to reach outside the storage directory.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import type { RecordModel } from 'pocketbase';
import sharp from 'sharp';
import { DEFAULT_SUPERUSER, startTenant, type ServerHandle } from '../support/processes.js';
import { rejectsWith, sdkClient, signedInUsers } from '../support/sdk.js';
import { twoColourPng, uploadFile } from '../support/uploads.js';

let server: ServerHandle;
let su: PocketBase;
let alice: PocketBase;
let bob: PocketBase;
let aliceId = '';
let colId = '';

const client = (): PocketBase => sdkClient(server.url);

const png = twoColourPng;
const file = uploadFile;
const storageDir = (recordId: string) => join(server.dir, 'storage', colId, recordId);
const uploadsLeft = () => readdirSync(join(server.dir, 'storage', '.uploads'));

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

describe('files through the SDK', { timeout: 120_000 }, () => {
  before(async () => {
    server = await startTenant();
    su = client();
    await su.collection('_superusers').authWithPassword(DEFAULT_SUPERUSER.email, DEFAULT_SUPERUSER.password);
    const [a, b] = await signedInUsers(su, ['alice@example.com', 'bob@example.com'], '1234567890');
    ({ pb: alice, id: aliceId } = a);
    bob = b.pb;
    const c = await su.collections.create({
      name: 'docs',
      type: 'base',
      listRule: '',
      viewRule: 'owner = @request.auth.id',
      createRule: "@request.auth.id != ''",
      updateRule: 'owner = @request.auth.id',
      deleteRule: 'owner = @request.auth.id',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
        { name: 'doc', type: 'file', maxSelect: 1, maxSize: 4096 },
        {
          name: 'images', type: 'file', maxSelect: 3, maxSize: 1 << 20,
          mimeTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'],
          thumbs: ['50x50', '40x0', '0x30', '60x40t', '60x40b', '60x40f', '500x500f'],
        },
        { name: 'secret', type: 'file', maxSelect: 1, protected: true },
      ],
    });
    colId = c.id;
  });
  after(async () => {
    await server?.stop();
  });

  let rec: RecordModel;

  test('create with files: storage names, layout and the bytes back through getURL', async () => {
    const image = await png(200, 100);
    rec = await alice.collection('docs').create({
      title: 'first', owner: aliceId, doc: file('hello world', 'Hello World.txt'), images: [file(image, 'My Photo.png'), file(image, 'x.png')],
    });
    assert.match(rec.doc, /^hello_world_[a-z0-9]{10}\.txt$/);
    assert.equal(rec.images.length, 2);
    assert.match(rec.images[0], /^my_photo_[a-z0-9]{10}\.png$/);
    // a name shorter than 3 characters is padded with randomness
    assert.match(rec.images[1], /^x[a-z0-9]{10}_[a-z0-9]{10}\.png$/);
    assert.deepEqual(readdirSync(storageDir(rec.id)).sort(), [rec.doc, ...rec.images].sort());

    const res = await get(alice.files.getURL(rec, rec.images[0]));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('content-length'), String(image.length));
    assert.equal(res.headers.get('content-disposition'), `inline; filename=${rec.images[0]}`);
    assert.equal(res.headers.get('cache-control'), 'max-age=2592000, stale-while-revalidate=86400');
    assert.ok(res.body.equals(image));

    const txt = await get(alice.files.getURL(rec, rec.doc));
    assert.equal(txt.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(txt.headers.get('content-disposition'), `attachment; filename=${rec.doc}`);
    assert.equal(txt.body.toString(), 'hello world');
    assert.deepEqual(uploadsLeft(), []);
  });

  test('download=1, ranges, HEAD and If-Modified-Since', async () => {
    const url = alice.files.getURL(rec, rec.images[0]);
    const dl = await get(alice.files.getURL(rec, rec.images[0], { download: true }));
    assert.equal(dl.headers.get('content-disposition'), `attachment; filename=${rec.images[0]}`);

    const full = readFileSync(join(storageDir(rec.id), rec.images[0]));
    const part = await get(url, { range: 'bytes=10-19' });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 10-19/${full.length}`);
    assert.ok(part.body.equals(full.subarray(10, 20)));
    const tail = await get(url, { range: 'bytes=-5' });
    assert.ok(tail.body.equals(full.subarray(full.length - 5)));
    const bad = await get(url, { range: `bytes=${full.length + 10}-` });
    assert.equal(bad.status, 416);
    assert.equal(bad.headers.get('content-range'), `bytes */${full.length}`);

    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(full.length));
    assert.equal((await head.arrayBuffer()).byteLength, 0);

    const lastModified = (await get(url)).headers.get('last-modified') ?? '';
    assert.ok(lastModified);
    assert.equal((await get(url, { 'if-modified-since': lastModified })).status, 304);
  });

  test('thumbs: every size kind, stored once, other sizes and non-images fall back to the original', async () => {
    const cases: Array<[string, number, number]> = [
      ['100x100', 100, 100], ['50x50', 50, 50], ['40x0', 40, 20], ['0x30', 60, 30],
      ['60x40t', 60, 40], ['60x40b', 60, 40], ['60x40f', 60, 30], ['500x500f', 200, 100],
    ];
    for (const [size, w, h] of cases) {
      const res = await get(alice.files.getURL(rec, rec.images[0], { thumb: size }));
      assert.equal(res.status, 200, size);
      assert.equal(res.headers.get('content-type'), 'image/png', size);
      const meta = await sharp(res.body).metadata();
      assert.deepEqual([meta.width, meta.height], [w, h], size);
      const stored = join(storageDir(rec.id), `thumbs_${rec.images[0]}`, `${size}_${rec.images[0]}`);
      assert.ok(existsSync(stored), `${size} stored`);
      assert.equal(res.headers.get('content-disposition'), `inline; filename=${size}_${rec.images[0]}`);
    }
    // crop from the centre of a red|blue image keeps both colours; fit keeps the whole image
    const center = await sharp((await get(alice.files.getURL(rec, rec.images[0], { thumb: '50x50' }))).body).raw().toBuffer();
    assert.equal(center[0], 255); // left edge red
    assert.equal(center[center.length - 1], 255); // right edge blue

    const stored = join(storageDir(rec.id), `thumbs_${rec.images[0]}`, `50x50_${rec.images[0]}`);
    const mtime = statSync(stored).mtimeMs;
    await get(alice.files.getURL(rec, rec.images[0], { thumb: '50x50' }));
    assert.equal(statSync(stored).mtimeMs, mtime, 'a thumb is made once');

    const notListed = await get(alice.files.getURL(rec, rec.images[0], { thumb: '77x77' }));
    assert.equal((await sharp(notListed.body).metadata()).width, 200);
    const text = await get(alice.files.getURL(rec, rec.doc, { thumb: '100x100' }));
    assert.equal(text.body.toString(), 'hello world');
  });

  test('update with images+ and images- deletes the removed file and its thumbs after commit', async () => {
    const removed = rec.images[0];
    const updated = await alice.collection('docs').update(rec.id, { 'images+': file(await png(10, 10), 'added.png'), 'images-': [removed] });
    assert.equal(updated.images.length, 2);
    assert.ok(!updated.images.includes(removed));
    assert.match(updated.images[1], /^added_[a-z0-9]{10}\.png$/);
    assert.ok(!existsSync(join(storageDir(rec.id), removed)));
    assert.ok(!existsSync(join(storageDir(rec.id), `thumbs_${removed}`)));
    assert.equal((await get(alice.files.getURL(rec, removed))).status, 404);
    // a plain key carrying kept names and a new file keeps both (PocketBase merges them)
    const merged = await alice.collection('docs').update(rec.id, { images: [updated.images[0], file(await png(8, 8), 'merged.png')] });
    assert.deepEqual(merged.images.slice(0, 1), [updated.images[0]]);
    assert.equal(merged.images.length, 2);
    assert.match(merged.images[1], /^merged_[a-z0-9]{10}\.png$/);
    assert.ok(existsSync(join(storageDir(rec.id), updated.images[0])), 'the kept file stays on disk');
    // replacing a single file field removes the old file
    const replaced = await alice.collection('docs').update(rec.id, { doc: file('second', 'second.txt') });
    assert.ok(!existsSync(join(storageDir(rec.id), rec.doc)));
    assert.ok(existsSync(join(storageDir(rec.id), replaced.doc)));
    rec = replaced;
  });

  test('invalid uploads: 400 with field codes and nothing stored', async () => {
    const before = readdirSync(storageDir(rec.id)).sort();
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ images: [file('not an image', 'fake.png')] }, 'images', 'validation_invalid_mime_type'],
      [{ doc: file('x'.repeat(5000), 'big.txt') }, 'doc', 'validation_file_size_limit'],
      [{ images: [file(await png(4, 4), 'a.png'), file(await png(4, 4), 'b.png'), file(await png(4, 4), 'c.png'), file(await png(4, 4), 'd.png')] }, 'images', 'validation_too_many_files'],
      [{ images: ['not_mine_1234567890.png'] }, 'images', 'validation_invalid_file'],
    ];
    for (const [data, field, code] of cases) {
      const err = await rejectsWith(alice.collection('docs').update(rec.id, data), 400);
      assert.equal((err.response.data as Record<string, { code: string }>)[field]?.code, code, JSON.stringify(err.response));
    }
    // a failed create stores nothing either
    await rejectsWith(alice.collection('docs').create({ owner: aliceId, images: [file('text', 't.png')] }), 400);
    assert.deepEqual(readdirSync(storageDir(rec.id)).sort(), before);
    assert.deepEqual(readdirSync(join(server.dir, 'storage', colId)), [rec.id]);
    assert.deepEqual(uploadsLeft(), []);
  });

  test('a body over the collection\'s limit is refused with 413 and leaves no upload behind', async () => {
    const big = Buffer.alloc(50 << 20, 1); // over 32 MiB + the fields' share (~8 MiB)
    const err = await rejectsWith(alice.collection('docs').update(rec.id, { doc: file(big, 'huge.bin') }), 413);
    assert.equal(err.response.status, 413);
    assert.deepEqual(uploadsLeft(), []);
  });

  test('protected files need a file token of someone who passes the view rule', async () => {
    const withSecret = await alice.collection('docs').update(rec.id, { secret: file('top secret', 'secret.txt') });
    const plain = alice.files.getURL(withSecret, withSecret.secret);
    assert.equal((await get(plain)).status, 404);
    const aliceToken = await alice.files.getToken();
    const ok = await get(alice.files.getURL(withSecret, withSecret.secret, { token: aliceToken }));
    assert.equal(ok.status, 200);
    assert.equal(ok.body.toString(), 'top secret');
    const bobToken = await bob.files.getToken();
    assert.equal((await get(alice.files.getURL(withSecret, withSecret.secret, { token: bobToken }))).status, 404);
    const suToken = await su.files.getToken();
    assert.equal((await get(alice.files.getURL(withSecret, withSecret.secret, { token: suToken }))).status, 200);
    // the Authorization header alone does not open a protected file (only a file token does)
    assert.equal((await get(plain, { authorization: alice.authStore.token })).status, 404);
    // a repeated token parameter is not a crash
    assert.equal((await get(`${plain}?token=a&token=b`)).status, 404);
    // an auth token is not a file token
    assert.equal((await get(alice.files.getURL(withSecret, withSecret.secret, { token: alice.authStore.token }))).status, 404);
    await rejectsWith(client().files.getToken(), 401);
    // unprotected files of the same record need nothing
    assert.equal((await get(client().files.getURL(withSecret, withSecret.doc))).status, 200);
    rec = withSecret;
  });

  test('paths, names and thumbs never leave the storage directory', async () => {
    const base = `${server.url}/api/files/${colId}/${rec.id}`;
    const attempts = [
      `${base}/..%2F..%2F..%2Fdata.db`, `${base}/..`, `${base}/%2e%2e`, `${server.url}/api/files/${colId}/..%2F..%2F/data.db`,
      `${server.url}/api/files/${colId}/${rec.id}%2F..%2F..%2F..%2Fdata.db/x`, `${base}/${rec.doc}%00.png`,
      `${server.url}/api/files/..%2F..%2Fdata.db/${rec.id}/${rec.doc}`,
    ];
    for (const url of attempts) {
      const res = await get(url);
      assert.equal(res.status, 404, url);
      assert.ok(!res.body.includes(Buffer.from('SQLite format 3')), url);
    }
    const thumbEscape = await get(`${alice.files.getURL(rec, rec.images[0])}?thumb=..%2F..%2F..%2Fx`);
    assert.equal(thumbEscape.status, 200);
    // an uploaded name with separators becomes a plain name inside the record's directory
    const evil = await alice.collection('docs').update(rec.id, { doc: file('evil', '../../../evil.txt') });
    assert.match(evil.doc, /^evil_[a-z0-9]{10}\.txt$/);
    assert.ok(existsSync(join(storageDir(rec.id), evil.doc)));
    assert.ok(!existsSync(join(server.dir, 'evil.txt')));
  });

  test('batch uploads (requests.N.field) and record delete removes the directory', async () => {
    await su.settings.update({ batch: { enabled: true, maxRequests: 10, timeout: 3, maxBodySize: 0 } });
    const batch = alice.createBatch();
    batch.collection('docs').create({ owner: aliceId, doc: file('from batch', 'batch.txt') });
    const [res] = await batch.send();
    assert.equal(res.status, 200);
    const created = res.body as RecordModel;
    assert.match(created.doc, /^batch_[a-z0-9]{10}\.txt$/);
    assert.equal((await get(alice.files.getURL(created, created.doc))).body.toString(), 'from batch');

    await alice.collection('docs').delete(rec.id);
    assert.ok(!existsSync(storageDir(rec.id)));
    await alice.collection('docs').delete(created.id);
    assert.ok(!existsSync(storageDir(created.id)));
  });

  test('deleting the collection removes its storage directory', async () => {
    const r = await alice.collection('docs').create({ owner: aliceId, doc: file('bye', 'bye.txt') });
    assert.ok(existsSync(storageDir(r.id)));
    await su.collections.delete('docs');
    assert.ok(!existsSync(join(server.dir, 'storage', colId)));
  });
});
