/** GET /api/crons and POST /api/crons/{id} (superusers only): list the cron jobs, run one now. */
import type { FastifyInstance } from 'fastify';
import type { TenantApp } from '../core/app.js';
import { notFound } from '../tools/router/api_error.js';
import { requireSuperuser, sendJSON } from './context.js';

/** Binds the crons routes. */
export function bindCronsApi(app: TenantApp, server: FastifyInstance): void {
  server.get('/api/crons', (request, reply) => {
    requireSuperuser(request);
    return sendJSON(request, reply, 200, app.cron.list());
  });
  server.post<{ Params: { id: string } }>('/api/crons/:id', (request, reply) => {
    requireSuperuser(request);
    if (!app.cron.run(request.params.id)) throw notFound('Missing or invalid cron job.');
    return reply.code(204).send();
  });
}
