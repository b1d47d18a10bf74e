/** The authenticated account of a request, put there by AuthGuard. */
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { SessionId, UserId } from '@burrow/db';
import { ApiError } from '../common/api_error.js';

/** Who is calling. */
export interface AuthContext {
  userId: UserId;
  email: string;
  sessionId: SessionId;
}

/** Requests carry the auth context once the guard accepted them. */
export type AuthedRequest = FastifyRequest & { auth?: AuthContext };

/** Handler parameter: the caller's AuthContext (the guard guarantees it on non-public routes). */
export const CurrentAuth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  const auth = ctx.switchToHttp().getRequest<AuthedRequest>().auth;
  if (!auth) throw ApiError.unauthorized();
  return auth;
});

/** The caller's address as Fastify saw it (loopback-only server: the direct peer). */
export function clientIp(req: FastifyRequest): string {
  return req.ip || 'unknown';
}
