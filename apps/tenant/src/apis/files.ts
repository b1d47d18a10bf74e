/**
 * Files API: POST /api/files/token (a 3-minute file token for the caller) and
 * GET|HEAD /api/files/{collection}/{recordId}/{filename}[?thumb=&download=&token=].
 * A file is served only when the record's file field holds that exact name; protected
 * fields also need a file token whose record passes the collection's view rule (a miss is
 * a 404, as PocketBase answers). Responses carry the detected type, ranges, Last-Modified
 * and long caching; thumbs are made once, stored beside the original and reused.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { open, stat } from 'node:fs/promises';
import { cpus } from 'node:os';
import type { TenantApp } from '../core/app.js';
import type { Collection, FileField } from '../core/collection_model.js';
import { SUPERUSERS_ID } from '../core/collection_model.js';
import { UnsafePathError } from '../core/file_storage.js';
import { ipInList } from '../core/rate_limits.js';
import { fileFieldHolding, findRecordByViewFile } from '../core/record_files.js';
import { findRecordById } from '../core/record_find.js';
import type { RecordModel } from '../core/record_model.js';
import { recordMatchesRule } from '../core/record_rules.js';
import { isSuperuserAuth } from '../core/request_info.js';
import { findRecordByToken, newRecordToken } from '../core/tokens.js';
import { KeyedLimiter } from '../tools/concurrency/limiter.js';
import { baseMimeType, detectType, isInlineType, servedContentType, SNIFF_BYTES } from '../tools/filesystem/mime.js';
import { createThumb, parseThumbSize, THUMB_SOURCE_TYPES } from '../tools/filesystem/thumbs.js';
import { ApiError, notFound } from '../tools/router/api_error.js';
import { requestInfo, sendJSON } from './context.js';
import { checkCollectionRateLimit } from './rate_limit.js';
import { clientIP } from './real_ip.js';
import { sendFile } from './file_serve.js';
import { firstValue } from '../tools/types/objects.js';

type Params = { collection: string; recordId: string; filename: string };
type Query = { thumb?: string | string[]; token?: string | string[]; download?: string | string[] };

/** Sizes every image field may ask for, besides the field's own `thumbs`. */
const DEFAULT_THUMB_SIZES = ['100x100'];

// The record whose directory holds the file: the record itself, or a view's source record.
function owningRecord(app: TenantApp, c: Collection, record: RecordModel, field: FileField, filename: string): RecordModel {
  if (c.type !== 'view') return record;
  const source = findRecordByViewFile(app, c, field.name, filename);
  if (!source) throw notFound();
  return source;
}


function canReadProtected(app: TenantApp, request: FastifyRequest<{ Querystring: Query }>, record: RecordModel): boolean {
  const token = firstValue(request.query.token);
  let auth = token ? findRecordByToken(app, token, 'file')?.record : undefined;
  // A superuser's file token counts only from an allowed address, as their logins.
  const allowed = app.settings.get().superuserIPs;
  if (auth?.collection.id === SUPERUSERS_ID && allowed.length > 0 && !ipInList(allowed, clientIP(app, request))) auth = undefined;
  // Only the file token's record: the Authorization header does not open protected files.
  const info = { ...requestInfo(request, {}, 'protectedFile'), auth };
  if (isSuperuserAuth(info)) return true;
  const rule = record.collection.viewRule;
  if (rule === null) return false;
  return rule === '' || recordMatchesRule(app, record.collection, record.id, rule, info);
}

async function detectedTypeOf(path: string) {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, size));
    await handle.read(head, 0, head.length, 0);
    return detectType(head, size <= head.length);
  } finally {
    await handle.close();
  }
}

const exists = (path: string) => stat(path).then(() => true, () => false);

/** Binds the files routes. */
export function bindFilesApi(app: TenantApp, server: FastifyInstance, logError: (err: unknown, context: string) => void): void {
  // As PocketBase: a few more generations than cores at once, each waiting at most a minute.
  const thumbs = new KeyedLimiter(cpus().length + 2, 60_000);

  server.post('/api/files/token', (request, reply) => {
    if (!request.auth) throw new ApiError(401, 'Missing auth context.');
    const event = { app, record: request.auth, token: newRecordToken(app, request.auth, 'file') };
    app.hooks.trigger('OnFileTokenRequest', event, () => undefined);
    return sendJSON(request, reply, 200, { token: event.token });
  });

  // GET and HEAD declared together: Fastify's automatic HEAD route would read the whole file
  // and send a zero Content-Length.
  server.route<{ Params: Params; Querystring: Query }>({ method: ['GET', 'HEAD'], url: '/api/files/:collection/:recordId/:filename', handler: async (request, reply) => {
    const { collection: idOrName, recordId, filename } = request.params;
    const c = app.collections.find(idOrName);
    if (!c || !recordId) throw notFound();
    checkCollectionRateLimit(app, request, c, 'file');
    const record = findRecordById(app, c, recordId);
    if (!record) throw notFound();
    const field = fileFieldHolding(record, filename);
    if (!field) throw notFound();
    if (field.protected && !canReadProtected(app, request, record)) throw notFound();

    const owner = owningRecord(app, c, record, field, filename);
    let originalPath: string;
    try {
      originalPath = app.files.filePath(owner.collection.id, owner.id, filename);
    } catch (err) {
      if (err instanceof UnsafePathError) throw notFound();
      throw err;
    }
    let servedPath = originalPath;
    let servedName = filename;

    const thumb = firstValue(request.query.thumb);
    const spec = parseThumbSize(thumb);
    if (thumb && spec && (DEFAULT_THUMB_SIZES.includes(thumb) || (field.thumbs ?? []).includes(thumb))) {
      const thumbPath = app.files.thumbPath(owner.collection.id, owner.id, filename, thumb);
      // A stored thumb exists only for an image: serve it without looking at the original.
      if (await exists(thumbPath)) {
        servedPath = thumbPath;
        servedName = `${thumb}_${filename}`;
      } else {
        const detected = await detectedTypeOf(originalPath).catch(() => undefined);
        if (!detected) throw notFound();
        if (THUMB_SOURCE_TYPES.has(baseMimeType(detected.mime))) {
          try {
            await thumbs.run(thumbPath, () => createThumb(originalPath, thumbPath, spec, baseMimeType(detected.mime)));
            servedPath = thumbPath;
            servedName = `${thumb}_${filename}`;
          } catch (err) {
            // As PocketBase: a thumb that cannot be made falls back to the original.
            logError(err, `thumb ${thumb} of ${filename}`);
          }
        }
      }
    }

    const event = { app, collection: c, record, fileField: field, servedPath, servedName };
    app.hooks.trigger('OnFileDownloadRequest', event, () => undefined);
    const download = firstValue(request.query.download);
    const forceAttachment = ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(download);
    const sent = await sendFile(request, reply, event.servedPath, event.servedName, {
      disposition: (type) => (!forceAttachment && isInlineType(type) ? 'inline' : 'attachment'),
      contentType: (detected) => servedContentType(event.servedPath, detected),
    });
    if (!sent) throw notFound();
    return reply;
  } });
}

