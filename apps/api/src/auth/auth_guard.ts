/** Global guard: every route needs a live session unless its RouteDoc says `public`. */
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '../common/api_error.js';
import { ROUTE_DOC, type RouteDoc } from '../common/route_doc.js';
import type { AuthedRequest } from './auth_context.js';
import { SessionStore } from './session_store.js';

/** Resolves `Authorization: Bearer <token>` into request.auth. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(@Inject(Reflector) private readonly reflector: Reflector, @Inject(SessionStore) private readonly sessions: SessionStore) {}

  /** Lets public routes through; otherwise requires a valid session. */
  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const doc = this.reflector.get<RouteDoc | undefined>(ROUTE_DOC, ctx.getHandler());
    if (doc?.public) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const auth = m ? await this.sessions.resolve(m[1]) : undefined;
    if (!auth) throw ApiError.unauthorized();
    req.auth = auth;
    return true;
  }
}
