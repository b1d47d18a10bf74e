/** Health, metrics and the OpenAPI document. */
import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ControlDb } from '@burrow/db';
import type { JobProducer } from '@burrow/jobs';
import { Route } from '../common/route_doc.js';
import { DB, JOBS } from '../common/tokens.js';
import { MetricsService } from './metrics.js';
import { OpenApiService } from './openapi.js';

const healthSchema = z.object({ status: z.enum(['ok', 'degraded', 'down']), database: z.enum(['ok', 'down']), queue: z.enum(['ok', 'down']) });

/** Operational routes (public). */
@Controller()
export class OpsController {
  constructor(
    @Inject(DB) private readonly db: ControlDb,
    @Inject(JOBS) private readonly jobs: JobProducer,
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(OpenApiService) private readonly openapi: OpenApiService,
  ) {}

  /** 200 while the database answers (the queue being down only degrades it); 503 otherwise. */
  @Get('api/health')
  @Route({ summary: 'Liveness and dependencies', tag: 'ops', public: true, response: healthSchema })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<z.infer<typeof healthSchema>> {
    const database = await this.db.$queryRawUnsafe('SELECT 1').then(() => 'ok' as const, () => 'down' as const);
    const queue = (await this.jobs.available()) ? 'ok' as const : 'down' as const;
    const status = database === 'down' ? 'down' : queue === 'down' ? 'degraded' : 'ok';
    if (status === 'down') void reply.status(503);
    return { status, database, queue };
  }

  /** Prometheus. */
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @Route({ summary: 'Prometheus metrics (api and proxy)', tag: 'ops', public: true, produces: 'text/plain' })
  metricsText(): Promise<string> {
    return this.metrics.exposition();
  }

  /** OpenAPI. */
  @Get('api/docs')
  @Route({ summary: 'This document', tag: 'ops', public: true })
  docs(): Record<string, unknown> {
    return this.openapi.document();
  }
}
