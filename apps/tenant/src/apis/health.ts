/** GET /api/health. */
import type { FastifyInstance } from 'fastify';
import type { TenantApp } from '../core/app.js';
import { isSuperuserAuth } from '../core/request_info.js';
import { sendJSON } from './context.js';

/** Binds the health route. */
export function bindHealthApi(_app: TenantApp, server: FastifyInstance): void {
  server.route({
    method: ['GET', 'HEAD'],
    url: '/api/health',
    handler: async (request, reply) => {
      const data: Record<string, unknown> = {};
      if (isSuperuserAuth(request)) {
        data.canBackup = true;
        data.realIP = request.ip;
        data.possibleProxyHeader = '';
      }
      return sendJSON(request, reply, 200, { message: 'API is healthy.', code: 200, data });
    },
  });
}
