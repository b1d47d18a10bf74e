/**
 * Files: uploads through the SDK (single, multiple, +/- modifiers, batch), validation codes,
 * downloads (type, disposition, caching, ranges), thumbs, protected files with file tokens,
 * and clean-up when a file or record goes. Downloads are read with fetch, as a browser would.
 */
import type { RecordModel } from 'pocketbase';
import sharp from 'sharp';
import { twoColourPng, uploadFile } from '../../support/uploads.js';
import { step, type Scenario, type StepContext } from '../scenario.js';

const NAME = /^[a-z0-9_]+_[a-z0-9]{10}\.[a-z]+$/;

let image: Buffer | undefined;
/** The scenario's 120 x 80 image (made once). */
async function png(): Promise<Buffer> {
  image ??= await twoColourPng(120, 80);
  return image;
}

const file = uploadFile;

/** What a download answered, with the headers that matter. */
async function download(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  const body = Buffer.from(await res.arrayBuffer());
  const pick = (h: string) => res.headers.get(h);
  const isImage = (pick('content-type') ?? '').startsWith('image/');
  const meta = isImage && res.status === 200 ? await sharp(body).metadata() : undefined;
  return {
    status: res.status,
    contentType: pick('content-type'),
    disposition: (pick('content-disposition') ?? '').replace(/filename=.*$/, 'filename=…'),
    cacheControl: pick('cache-control'),
    csp: pick('content-security-policy'),
    contentRange: pick('content-range'),
    acceptRanges: pick('accept-ranges'),
    length: body.length,
    text: isImage ? undefined : body.toString('utf8').slice(0, 100),
    size: meta ? `${meta.width}x${meta.height}` : undefined,
  };
}

async function record(ctx: StepContext): Promise<RecordModel> {
  return ctx.su.collection('attachments').getOne(ctx.get('attachment'));
}

/** Uploads, downloads, thumbs, tokens, protected files and their clean-up. */
export const filesScenario: Scenario = {
  name: 'files',
  steps: [
    step('create a collection with file fields', 'ok', ({ su }) =>
      su.collections.create({
        name: 'attachments',
        type: 'base',
        listRule: '',
        viewRule: 'owner = @request.auth.id',
        createRule: "@request.auth.id != ''",
        updateRule: 'owner = @request.auth.id',
        deleteRule: 'owner = @request.auth.id',
        fields: [
          { name: 'title', type: 'text' },
          { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
          { name: 'doc', type: 'file', maxSelect: 1, maxSize: 2048 },
          { name: 'images', type: 'file', maxSelect: 2, mimeTypes: ['image/png', 'image/jpeg'], thumbs: ['40x0', '0x20', '30x30t', '50x50f'] },
          { name: 'secret', type: 'file', maxSelect: 1, protected: true },
        ],
      }),
    ),
    step('create with a text file and two images', 'ok', async ({ alice, get, set, exact }) => {
      const rec = await alice.collection('attachments').create({
        title: 'first', owner: get('aliceId'), doc: file('hello files', 'Hello Files.txt'),
        images: [file(await png(), 'Photo One.png'), file(await png(), 'photo-two.png')], secret: file('s3cret', 'secret.txt'),
      });
      set('attachment', rec.id);
      exact('names', [NAME.test(rec.doc), rec.doc.startsWith('hello_files_'), rec.images.map((n: string) => NAME.test(n)), rec.images[0].startsWith('photo_one_')]);
      return rec;
    }),
    step('download a text file', 'ok', async (ctx) => {
      const rec = await record(ctx);
      const res = await download(ctx.guest.files.getURL(rec, rec.doc));
      ctx.exact('download', res);
      return res;
    }),
    step('download an image, forced as attachment, and a range of it', 'ok', async (ctx) => {
      const rec = await record(ctx);
      const url = ctx.guest.files.getURL(rec, rec.images[0]);
      const results = [await download(url), await download(ctx.guest.files.getURL(rec, rec.images[0], { download: true })), await download(url, { range: 'bytes=0-15' })];
      ctx.exact('downloads', results);
      return results;
    }),
    step('thumbs: default, listed, and one not listed', 'ok', async (ctx) => {
      const rec = await record(ctx);
      const sizes = ['100x100', '40x0', '0x20', '30x30t', '50x50f', '33x33'];
      const results = [];
      for (const thumb of sizes) results.push(await download(ctx.guest.files.getURL(rec, rec.images[0], { thumb })));
      ctx.exact('thumbs', results.map((r) => [r.status, r.contentType, r.size]));
      return results;
    }),
    step('protected file without a token', 'ok', async (ctx) => {
      const rec = await record(ctx);
      const res = await download(ctx.guest.files.getURL(rec, rec.secret));
      ctx.exact('status', res.status);
      return res;
    }),
    step('protected file with the owner\'s, another user\'s and a superuser\'s file token', 'ok', async (ctx) => {
      const rec = await record(ctx);
      const statuses = [];
      for (const pb of [ctx.alice, ctx.bob, ctx.su]) {
        const token = await pb.files.getToken();
        statuses.push((await download(pb.files.getURL(rec, rec.secret, { token }))).status);
      }
      ctx.exact('statuses', statuses);
      return statuses;
    }),
    step('file token as a guest', 401, ({ guest }) => guest.files.getToken()),
    step('images+ and images- in one update', 'ok', async (ctx) => {
      const rec = await record(ctx);
      const updated = await ctx.alice.collection('attachments').update(rec.id, { 'images-': [rec.images[0]], 'images+': file(await png(), 'third.png') });
      ctx.exact('images', [updated.images.length, updated.images[0] === rec.images[1], updated.images[1].startsWith('third_')]);
      ctx.exact('removed file', (await download(ctx.guest.files.getURL(rec, rec.images[0]))).status);
      return updated;
    }),
    step('a file that is not an image', 400, async (ctx) => ctx.alice.collection('attachments').update(ctx.get('attachment'), { images: [file('text', 'fake.png')] })),
    step('too many files', 400, async (ctx) =>
      ctx.alice.collection('attachments').update(ctx.get('attachment'), { images: [file(await png(), 'a.png'), file(await png(), 'b.png'), file(await png(), 'c.png')] }),
    ),
    step('a file over maxSize', 400, async (ctx) => ctx.alice.collection('attachments').update(ctx.get('attachment'), { doc: file('x'.repeat(3000), 'big.txt') })),
    step('a name that is not one of the record\'s files', 400, async (ctx) => ctx.alice.collection('attachments').update(ctx.get('attachment'), { doc: 'someone_else_1234567890.txt' })),
    step('an update by someone else', 404, async (ctx) => ctx.bob.collection('attachments').update(ctx.get('attachment'), { doc: file('mine now', 'x.txt') })),
    step('a name without extension gets the detected one', 'ok', async (ctx) => {
      const updated = await ctx.alice.collection('attachments').update(ctx.get('attachment'), { doc: file('plain text', 'README') });
      ctx.exact('name', [updated.doc.startsWith('readme_'), updated.doc.endsWith('.txt')]);
      return updated;
    }),
    step('clearing a file field', 'ok', async (ctx) => {
      const rec = await record(ctx);
      const updated = await ctx.alice.collection('attachments').update(rec.id, { doc: null });
      ctx.exact('after', [updated.doc, (await download(ctx.guest.files.getURL(rec, rec.doc))).status]);
      return updated;
    }),
    step('batch create with a file', 'ok', async ({ alice, get, exact, set }) => {
      const batch = alice.createBatch();
      batch.collection('attachments').create({ owner: get('aliceId'), doc: file('batched', 'batched.txt') });
      const [res] = await batch.send();
      const body = res.body as RecordModel;
      set('batched', body.id);
      exact('batch', [res.status, body.doc.startsWith('batched_')]);
      return res;
    }),
    step('files of a deleted record are gone', 'ok', async (ctx) => {
      const rec = await ctx.su.collection('attachments').getOne(ctx.get('batched'));
      await ctx.alice.collection('attachments').delete(rec.id);
      const res = await download(ctx.guest.files.getURL(rec, rec.doc));
      ctx.exact('status', res.status);
      return res;
    }),
    step('delete the collection', 'ok', ({ su }) => su.collections.delete('attachments')),
  ],
};
