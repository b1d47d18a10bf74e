/** GET /api/logs, /api/logs/stats, /api/logs/{id} (superusers only; successful calls are not logged). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantApp } from '../core/app.js';
import { findLog, listLogs, logStats } from '../core/log_query.js';
import { notFound } from '../tools/router/api_error.js';
import { requireSuperuser, sendJSON } from './context.js';
import { skipSuccessLog } from './request_log.js';

type ListQuery = { page?: string; perPage?: string; skipTotal?: string; filter?: string; sort?: string };

function guard(request: FastifyRequest): void {
  skipSuccessLog(request);
  requireSuperuser(request);
}

/** Binds the logs routes. */
export function bindLogsApi(app: TenantApp, server: FastifyInstance): void {
  server.get<{ Querystring: ListQuery }>('/api/logs', (request, reply) => {
    guard(request);
    return sendJSON(request, reply, 200, listLogs(app, request.query));
  });
  server.get<{ Querystring: { filter?: string } }>('/api/logs/stats', (request, reply) => {
    guard(request);
    return sendJSON(request, reply, 200, logStats(app, request.query.filter));
  });
  server.get<{ Params: { id: string } }>('/api/logs/:id', (request, reply) => {
    guard(request);
    const log = findLog(app, request.params.id);
    if (!log) throw notFound();
    return sendJSON(request, reply, 200, log);
  });
}
