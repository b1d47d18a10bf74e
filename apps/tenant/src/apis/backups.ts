/**
 * /api/backups (PocketBase's routes): list, create `{name?}`, upload (multipart `file`),
 * download with a superuser file token, delete, restore. Superusers only; names must match
 * `^[a-z0-9_-]+\.zip$`; an upload that is not a valid backup (or would expand past its limit,
 * see @burrow/backup extractArchive) is refused with a 400 and changes nothing; a restore answers 204 and the server restarts onto the restored data a
 * moment later (ServerOptions.restart; without it, restore is refused).
 */
import { generateBackupName, isValidBackupName, type RestorePlan } from '@burrow/backup';
import type { FastifyInstance } from 'fastify';
import type { TenantApp } from '../core/app.js';
import { BackupError } from '../core/backups.js';
import { SUPERUSERS_ID } from '../core/collection_model.js';
import { LogLevel } from '../core/logs.js';
import { ipInList } from '../core/rate_limits.js';
import { findRecordByToken } from '../core/tokens.js';
import { baseMimeType, detectType } from '../tools/filesystem/mime.js';
import { ApiError, badRequest, fieldError, forbidden, notFound, ValidationError } from '../tools/router/api_error.js';
import { disposeBody, readBody } from './body.js';
import { requireSuperuser, sendJSON } from './context.js';
import { sendFile } from './file_serve.js';
import { clientIP } from './real_ip.js';
import { firstValue } from '../tools/types/objects.js';

/** Closes the app, runs the plan's swap and reopens (see serve.ts). */
export type RestartWith = (plan: RestorePlan) => void;

const asApiError = (err: unknown, message: string): unknown => (err instanceof BackupError ? badRequest(message, {}, err) : err);
/** Upload size limit of a backup archive (PocketBase sets none; the disk is the limit there). */
const MAX_UPLOAD = 8 * 2 ** 30;

/** Binds the backups routes. */
export function bindBackupsApi(app: TenantApp, server: FastifyInstance, restart?: RestartWith): void {
  server.get('/api/backups', (request, reply) => {
    requireSuperuser(request);
    return sendJSON(request, reply, 200, app.backups.list());
  });

  server.post('/api/backups', async (request, reply) => {
    requireSuperuser(request);
    const { data } = await readBody(request);
    const name = typeof data.name === 'string' ? data.name : '';
    if (name && (!isValidBackupName(name) || app.backups.path(name))) {
      const err = !isValidBackupName(name)
        ? fieldError('validation_match_invalid', 'Must be in a valid format.')
        : fieldError('validation_backup_name_exists', 'The backup file name is invalid or already exists.');
      throw new ValidationError({ name: err }, 'An error occurred while validating the submitted data.');
    }
    try {
      await app.backups.create(name || generateBackupName(app.settings.get().meta.appName, 'pb_backup_', app.now()));
    } catch (err) {
      if (err instanceof BackupError) throw badRequest(err.message);
      throw badRequest('Failed to create backup.', {}, err);
    }
    return reply.code(204).send();
  });

  server.post('/api/backups/upload', async (request, reply) => {
    requireSuperuser(request);
    const body = await readBody(request, { limit: MAX_UPLOAD, uploadsDir: app.files.uploadsDir });
    try {
      const file = body.files.find((f) => f.field === 'file');
      let error: ReturnType<typeof fieldError> | undefined;
      if (!file) error = fieldError('validation_required', 'Cannot be blank.');
      else if (baseMimeType(detectType(file.head, file.size <= file.head.length).mime) !== 'application/zip') {
        error = fieldError('validation_invalid_mime_type', `"${file.filename.slice(0, 150)}" mime type must be one of: application/zip.`);
      } else if (!isValidBackupName(file.filename)) error = fieldError('validation_invalid_name', 'The backup name must match ^[a-z0-9_-]+\\.zip$.');
      else if (app.backups.path(file.filename)) error = fieldError('validation_backup_name_exists', 'Backup file with the specified name already exists.');
      if (error || !file) throw new ValidationError({ file: error! }, 'An error occurred while validating the submitted data.');
      try {
        await app.backups.accept(file.path, file.filename);
      } catch (err) {
        if (err instanceof BackupError) {
          throw new ValidationError({ file: fieldError('validation_invalid_backup', `Not a valid backup: ${err.message}`) }, 'An error occurred while validating the submitted data.');
        }
        throw err;
      }
    } finally {
      disposeBody(body);
    }
    return reply.code(204).send();
  });

  server.get<{ Params: { key: string }; Querystring: { token?: string | string[] } }>('/api/backups/:key', async (request, reply) => {
    const auth = findRecordByToken(app, firstValue(request.query.token), 'file')?.record;
    const allowed = app.settings.get().superuserIPs;
    if (!auth || auth.collection.id !== SUPERUSERS_ID || (allowed.length > 0 && !ipInList(allowed, clientIP(app, request)))) {
      throw forbidden('Insufficient permissions to access the resource.');
    }
    const path = app.backups.path(request.params.key);
    if (!path) throw notFound();
    const sent = await sendFile(request, reply, path, request.params.key, { disposition: () => 'attachment', contentType: () => 'application/zip' });
    if (!sent) throw notFound();
    return reply;
  });

  server.delete<{ Params: { key: string } }>('/api/backups/:key', (request, reply) => {
    requireSuperuser(request);
    let deleted: boolean;
    try {
      deleted = app.backups.delete(request.params.key);
    } catch (err) {
      throw asApiError(err, 'The backup is currently being used and cannot be deleted.');
    }
    if (!deleted) throw badRequest('Invalid or already deleted backup file.');
    return reply.code(204).send();
  });

  server.post<{ Params: { key: string } }>('/api/backups/:key/restore', async (request, reply) => {
    requireSuperuser(request);
    if (!restart) throw badRequest('Restoring a backup needs the server to restart, which this mode does not support.');
    let plan: Awaited<ReturnType<typeof app.backups.prepareRestore>>;
    try {
      plan = await app.backups.prepareRestore(request.params.key);
    } catch (err) {
      if (err instanceof BackupError) throw badRequest(err.message);
      throw new ApiError(500, undefined, {}, err);
    }
    app.logs.add(LogLevel.info, `Restoring backup ${request.params.key}`, {});
    // Answer first, then swap while the app is closed (as PocketBase, which restarts its process).
    // Not tied to the response's events: a client gone meanwhile must not leave the restore
    // half-prepared (the server's close waits for this answer to be written).
    const answered = reply.code(204).send();
    setImmediate(() => restart(plan));
    return answered;
  });
}
