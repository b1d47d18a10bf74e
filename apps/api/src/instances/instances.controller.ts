/** Instance routes (DESIGN.md §4): thin, each calls one use case. */
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseInstanceId, type InstanceRuntime } from '@burrow/runtime';
import type { PlatformConfig } from '@burrow/config';
import { CurrentAuth, type AuthContext } from '../auth/auth_context.js';
import { Route } from '../common/route_doc.js';
import { CONFIG, RUNTIME } from '../common/tokens.js';
import { parseInput } from '../common/validation.js';
import { ApiError } from '../common/api_error.js';
import { createInstanceSchema, deleteQuerySchema, nameAvailabilitySchema, nameQuerySchema, instanceViewSchema, secretsViewSchema, superuserTokenSchema, updateInstanceSchema } from './instance_schemas.js';
import { instanceUrl, type InstanceView } from './instance_view.js';
import { InstancesService, type NameAvailability } from './instances.service.js';
import { TenantClient } from './tenant_client.js';

/** /api/instances. */
@Controller('api/instances')
export class InstancesController {
  constructor(
    @Inject(InstancesService) private readonly instances: InstancesService,
    @Inject(TenantClient) private readonly tenants: TenantClient,
    @Inject(RUNTIME) private readonly runtime: InstanceRuntime,
    @Inject(CONFIG) private readonly config: PlatformConfig,
  ) {}

  /** List. */
  @Get()
  @Route({ summary: 'Your instances, newest first', tag: 'instances', response: z.array(instanceViewSchema) })
  list(@CurrentAuth() auth: AuthContext): Promise<InstanceView[]> {
    return this.instances.list(auth);
  }

  /** Create. */
  @Post()
  @HttpCode(202)
  @Route({ summary: 'Create an instance (provisioned by a job; poll it until running)', tag: 'instances', status: 202, body: createInstanceSchema, response: instanceViewSchema })
  create(@CurrentAuth() auth: AuthContext, @Body() body: unknown): Promise<InstanceView> {
    return this.instances.create(auth, parseInput(createInstanceSchema, body).name);
  }

  /** Name check for the console's live validation (rules, reserved names, taken). */
  @Get('name-availability')
  @Route({ summary: 'Whether a name can be used for a new instance or a rename, and why not', tag: 'instances', query: nameQuerySchema, response: nameAvailabilitySchema })
  nameAvailability(@CurrentAuth() auth: AuthContext, @Query() query: unknown): Promise<NameAvailability> {
    return this.instances.nameAvailability(auth, parseInput(nameQuerySchema, query).name);
  }

  /** Get. */
  @Get(':id')
  @Route({ summary: 'One instance with its status and last job progress', tag: 'instances', response: instanceViewSchema })
  get(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<InstanceView> {
    return this.instances.get(auth, id);
  }

  /** Update. */
  @Patch(':id')
  @Route({ summary: 'Rename, power on/off, set or remove secrets (null removes; applied at the next start)', tag: 'instances', body: updateInstanceSchema, response: instanceViewSchema })
  update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown): Promise<InstanceView> {
    return this.instances.update(auth, id, parseInput(updateInstanceSchema, body));
  }

  /** Delete. */
  @Delete(':id')
  @HttpCode(202)
  @Route({ summary: 'Delete the instance and its data (done by a job); its backups are kept unless ?backups=delete', tag: 'instances', status: 202, query: deleteQuerySchema, response: instanceViewSchema })
  remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Query() query: unknown): Promise<InstanceView> {
    return this.instances.remove(auth, id, parseInput(deleteQuerySchema, query).backups === 'delete');
  }

  /** Secrets with values. */
  @Get(':id/secrets')
  @Route({ summary: 'The instance secrets with their values', tag: 'instances', response: secretsViewSchema })
  async secrets(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<{ secrets: Array<{ name: string; value: string; updatedAt: string }> }> {
    return { secrets: await this.instances.secrets(auth, id) };
  }

  /** One-click dashboard login. */
  @Post(':id/superuser-token')
  @HttpCode(200)
  @Route({ summary: 'A superuser token of your account on the instance, for its dashboard', tag: 'instances', response: superuserTokenSchema })
  async superuserToken(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<{ token: string; dashboardUrl: string }> {
    const row = await this.instances.owned(auth, id);
    if (row.status !== 'running' && row.status !== 'sleeping') throw ApiError.conflict(`The instance is ${row.status}; start it first.`);
    const token = await this.tenants.superuserToken(row, auth.email);
    return { token, dashboardUrl: `${instanceUrl(this.config, row.name)}/_/#token=${encodeURIComponent(token)}` };
  }

  /** Live logs. */
  @Get(':id/logs')
  @Route({ summary: 'The tenant log as server-sent events (`log` events of {time, stream, text})', tag: 'instances', produces: 'text/event-stream' })
  async logs(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const row = await this.instances.owned(auth, id);
    const abort = new AbortController();
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    raw.write(': connected\n\n');
    req.raw.on('close', () => abort.abort());
    const keepAlive = setInterval(() => raw.write(': ping\n\n'), 15_000);
    try {
      for await (const line of this.runtime.logs(parseInstanceId(row.id), { follow: true, tail: 200, signal: abort.signal })) {
        raw.write(`event: log\ndata: ${JSON.stringify(line)}\n\n`);
      }
    } catch {
      // The client went away or the instance folder is gone: end the stream either way.
    } finally {
      clearInterval(keepAlive);
      raw.end();
    }
  }
}
