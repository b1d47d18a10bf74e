/**
 * First run from the machine itself: while no superuser exists, a request whose connection comes
 * from loopback may create the first one without the printed link (`GET` says whether one is
 * needed, `POST {email, password, passwordConfirm}` creates it). Judged by the socket's address,
 * never by forwarded headers, and not bound at all behind the platform (its proxy is loopback
 * too; platform instances get their owner as superuser before they start).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantApp } from '../core/app.js';
import { needsInstaller } from '../core/installer.js';
import { upsertSuperuser } from '../core/superusers.js';
import { badRequest, fieldError, notFound, ValidationError } from '../tools/router/api_error.js';
import { asText } from '../tools/types/objects.js';
import { readBody } from './body.js';
import { sendJSON } from './context.js';

/** Path of the loopback installer. */
export const INSTALLER_PATH = '/api/_burrow/installer';

function fromLoopback(request: FastifyRequest): boolean {
  const addr = request.socket.remoteAddress ?? '';
  return addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.');
}

/** Binds the loopback installer (only for a tenant not run by the platform). */
export function bindInstallerApi(app: TenantApp, server: FastifyInstance): void {
  const guard = (request: FastifyRequest) => {
    if (!fromLoopback(request)) throw notFound();
  };
  server.get(INSTALLER_PATH, async (request, reply) => {
    guard(request);
    return sendJSON(request, reply, 200, { needed: needsInstaller(app) });
  });
  server.post(INSTALLER_PATH, async (request, reply) => {
    guard(request);
    if (!needsInstaller(app)) throw badRequest('A superuser exists already: log in instead.');
    const { data } = await readBody(request);
    const email = asText(data.email).trim();
    const password = asText(data.password);
    if (password !== asText(data.passwordConfirm)) {
      throw new ValidationError({ passwordConfirm: fieldError('validation_values_mismatch', "Values don't match.") });
    }
    upsertSuperuser(app, email, password);
    return reply.code(204).send();
  });
}
