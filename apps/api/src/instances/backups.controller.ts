/** /api/instances/:id/backups (DESIGN.md §4): list, back up now, download, delete. */
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { CurrentAuth, type AuthContext } from '../auth/auth_context.js';
import { Route } from '../common/route_doc.js';
import { parseInput } from '../common/validation.js';
import { createInstanceSchema, instanceViewSchema } from './instance_schemas.js';
import type { InstanceView } from './instance_view.js';
import { BackupsService, type BackupQueued, type BackupSchedule, type BackupView } from './backups.service.js';

const backupViewSchema = z.object({ name: z.string(), size: z.number(), createdAt: z.string() });
const createBackupSchema = z.strictObject({ name: z.string().max(150).optional() });
const queuedSchema = z.object({ name: z.string(), jobId: z.string() });
const restoreQueuedSchema = z.object({ name: z.string(), undoName: z.string(), jobId: z.string() });

const scheduleSchema = z.object({ cron: z.string().nullable(), keep: z.number(), next: z.string().nullable() });
const setScheduleSchema = z.strictObject({ cron: z.string().max(200).nullable(), keep: z.number().int().min(1).max(100).optional() });

/** PUT|GET /api/instances/:id/backup-schedule. */
@Controller('api/instances/:id/backup-schedule')
export class BackupScheduleController {
  constructor(@Inject(BackupsService) private readonly backups: BackupsService) {}

  /** The schedule. */
  @Get()
  @Route({ summary: 'The instance\'s backup schedule (cron in UTC, how many scheduled backups are kept, next run)', tag: 'backups', response: scheduleSchema })
  get(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<BackupSchedule> {
    return this.backups.schedule(auth, id);
  }

  /** Set or remove it. */
  @Put()
  @Route({ summary: 'Set the backup schedule (cron null removes it); scheduled backups run whether the instance is awake or asleep, without waking it', tag: 'backups', body: setScheduleSchema, response: scheduleSchema })
  set(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown): Promise<BackupSchedule> {
    const input = parseInput(setScheduleSchema, body);
    return this.backups.setSchedule(auth, id, input.cron, input.keep);
  }
}

/** Backups of one instance. */
@Controller('api/instances/:id/backups')
export class BackupsController {
  constructor(@Inject(BackupsService) private readonly backups: BackupsService) {}

  /** List. */
  @Get()
  @Route({ summary: 'The instance\'s platform backups, newest first', tag: 'backups', response: z.array(backupViewSchema) })
  list(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<BackupView[]> {
    return this.backups.list(auth, id);
  }

  /** Back up now. */
  @Post()
  @HttpCode(202)
  @Route({ summary: 'Back up now (a job; the archive appears in the list when done; the instance is not woken)', tag: 'backups', status: 202, body: createBackupSchema, response: queuedSchema })
  create(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown): Promise<BackupQueued> {
    const input = parseInput(createBackupSchema, body ?? {});
    return this.backups.create(auth, id, input.name);
  }

  /** Download. */
  @Get(':name')
  @Route({ summary: 'Download one backup (zip in PocketBase\'s backup format)', tag: 'backups', produces: 'application/zip' })
  async download(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Param('name') name: string, @Res() reply: FastifyReply): Promise<void> {
    const { stream, size } = await this.backups.open(auth, id, name);
    await reply
      .header('content-type', 'application/zip')
      .header('content-length', size)
      .header('content-disposition', `attachment; filename=${name}`)
      .header('cache-control', 'no-store')
      .send(stream);
  }

  /** Restore in place. */
  @Post(':name/restore')
  @HttpCode(202)
  @Route({ summary: 'Restore this backup in place (a job: the current data is kept first as the backup `undoName`; restore that one to undo)', tag: 'backups', status: 202, response: restoreQueuedSchema })
  restore(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Param('name') name: string): Promise<{ name: string; undoName: string; jobId: string }> {
    return this.backups.restore(auth, id, name);
  }

  /** Restore into a new instance. */
  @Post(':name/restore-as-new')
  @HttpCode(202)
  @Route({ summary: 'Create a new instance from this backup (a copy under another name, provisioned by a job; counts toward your quota)', tag: 'backups', status: 202, body: createInstanceSchema, response: instanceViewSchema })
  restoreAsNew(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Param('name') name: string, @Body() body: unknown): Promise<InstanceView> {
    const input = parseInput(createInstanceSchema, body);
    return this.backups.restoreAsNew(auth, id, name, input.name);
  }

  /** Delete. */
  @Delete(':name')
  @HttpCode(204)
  @Route({ summary: 'Delete one backup', tag: 'backups', status: 204 })
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Param('name') name: string): Promise<void> {
    await this.backups.remove(auth, id, name);
  }
}
