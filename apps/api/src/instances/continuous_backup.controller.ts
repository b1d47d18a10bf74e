/** /api/instances/:id/continuous-backup: continuous backup (Litestream) and point-in-time restores. */
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { z } from 'zod';
import { CurrentAuth, type AuthContext } from '../auth/auth_context.js';
import { Route } from '../common/route_doc.js';
import { parseInput } from '../common/validation.js';
import { ContinuousBackupService, type ContinuousBackupView, type PointInTimeQueued } from './continuous_backup.service.js';
import { createInstanceSchema, instanceViewSchema } from './instance_schemas.js';
import type { InstanceView } from './instance_view.js';

const viewSchema = z.object({
  enabled: z.boolean(),
  storage: z.enum(['file', 's3']),
  retentionHours: z.number(),
  earliest: z.string().nullable(),
  latest: z.string().nullable(),
});
const setSchema = z.strictObject({ enabled: z.boolean() });
const timeSchema = z.string().max(40);
const restoreSchema = z.strictObject({ time: timeSchema });
const restoreAsNewSchema = createInstanceSchema.extend({ time: timeSchema });
const queuedSchema = z.object({ name: z.string(), undoName: z.string(), jobId: z.string(), time: z.string() });

/** Continuous backup of one instance. */
@Controller('api/instances/:id/continuous-backup')
export class ContinuousBackupController {
  constructor(@Inject(ContinuousBackupService) private readonly service: ContinuousBackupService) {}

  /** The setting and the restorable span. */
  @Get()
  @Route({ summary: 'Continuous backup (Litestream): on or off, and the span of time a restore can pick from', tag: 'backups', response: viewSchema })
  get(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<ContinuousBackupView> {
    return this.service.get(auth, id);
  }

  /** Turn it on or off. */
  @Put()
  @Route({ summary: 'Turn continuous backup on or off (a running instance restarts to apply it)', tag: 'backups', body: setSchema, response: viewSchema })
  set(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown): Promise<ContinuousBackupView> {
    return this.service.set(auth, id, parseInput(setSchema, body).enabled);
  }

  /** Restore in place to a moment. */
  @Post('restore')
  @HttpCode(202)
  @Route({ summary: 'Restore the instance as it was at `time` (a job: the database as of then with today\'s files, kept as the backup `name`; the current data is kept first as `undoName`)', tag: 'backups', status: 202, body: restoreSchema, response: queuedSchema })
  restore(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown): Promise<PointInTimeQueued> {
    return this.service.restore(auth, id, parseInput(restoreSchema, body).time);
  }

  /** Copy a moment into a new instance. */
  @Post('restore-as-new')
  @HttpCode(202)
  @Route({ summary: 'Create a new instance from this one as it was at `time` (counts toward your quota)', tag: 'backups', status: 202, body: restoreAsNewSchema, response: instanceViewSchema })
  restoreAsNew(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown): Promise<InstanceView> {
    const input = parseInput(restoreAsNewSchema, body);
    return this.service.restoreAsNew(auth, id, input.time, input.name);
  }
}
