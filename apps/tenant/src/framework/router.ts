/**
 * Custom routes of an app built on Burrow (PocketBase's `e.router` in OnServe): path params,
 * middlewares, the request's auth record, and errors in PocketBase's shape (throw an ApiError,
 * or any error for a 500 that never leaks its message).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { queryOf, requestInfo, sendJSON } from '../apis/context.js';
import type { TenantApp } from '../core/app.js';
import type { RecordModel } from '../core/record_model.js';
import type { RequestInfo } from '../core/request_info.js';

/** What a route handler and its middlewares receive. */
export interface RequestEvent {
  app: TenantApp;
  request: FastifyRequest;
  reply: FastifyReply;
  /** Path params (`/posts/{id}` or `/posts/:id`). */
  params: Record<string, string>;
  /** The query string (last value of a repeated key). */
  query: Record<string, string>;
  /** The authenticated record (any auth collection, or a superuser), or undefined for a guest. */
  auth: RecordModel | undefined;
  /** The parsed body (JSON or form fields; {} when there is none). */
  body: Record<string, unknown>;
  /** Sends JSON with the given status (PocketBase's `fields` picker applies to 2xx). */
  json(status: number, data: unknown): void;
  /** Sends 204 without a body. */
  noContent(): void;
  /** The request as rules see it (`@request.*`). */
  requestInfo(): RequestInfo;
}

/** A route handler: what it returns (when it sent nothing itself) is sent as JSON with 200, or 204 for undefined. */
export type RouteHandler = (e: RequestEvent) => unknown;
/** Runs around the handler: call `next()` to go on (and get what the handler returned), or throw to stop. */
export type Middleware = (e: RequestEvent, next: () => Promise<unknown>) => unknown;

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Method = (typeof METHODS)[number];

/** Registers routes on the tenant's server; `group()` shares a prefix and middlewares. */
export class Router {
  constructor(
    private readonly app: TenantApp,
    private readonly server: FastifyInstance,
    private readonly prefix = '',
    private readonly middlewares: readonly Middleware[] = [],
  ) {}

  get(path: string, handler: RouteHandler, ...middlewares: Middleware[]): this {
    return this.add('GET', path, handler, middlewares);
  }

  post(path: string, handler: RouteHandler, ...middlewares: Middleware[]): this {
    return this.add('POST', path, handler, middlewares);
  }

  put(path: string, handler: RouteHandler, ...middlewares: Middleware[]): this {
    return this.add('PUT', path, handler, middlewares);
  }

  patch(path: string, handler: RouteHandler, ...middlewares: Middleware[]): this {
    return this.add('PATCH', path, handler, middlewares);
  }

  delete(path: string, handler: RouteHandler, ...middlewares: Middleware[]): this {
    return this.add('DELETE', path, handler, middlewares);
  }

  /** Routes under `prefix` that all run `middlewares` first. */
  group(prefix: string, ...middlewares: Middleware[]): Router {
    return new Router(this.app, this.server, this.prefix + prefix, [...this.middlewares, ...middlewares]);
  }

  private add(method: Method, path: string, handler: RouteHandler, own: Middleware[]): this {
    const url = toFastifyPath(this.prefix + path);
    const chain = [...this.middlewares, ...own];
    const app = this.app;
    this.server.route({
      method,
      url,
      handler: async (request, reply) => {
        const e = requestEvent(app, request, reply);
        let index = 0;
        const next = async (): Promise<unknown> => {
          const mw = chain[index++];
          return mw ? mw(e, next) : handler(e);
        };
        const result = await next();
        if (reply.sent) return reply;
        if (result === undefined) return reply.code(204).send();
        return sendJSON(request, reply, 200, result);
      },
    });
    return this;
  }
}

/** `/posts/{id}` (PocketBase's style) or `/posts/:id` (Fastify's): both become Fastify's. */
function toFastifyPath(path: string): string {
  if (!path.startsWith('/')) throw new Error(`route paths start with "/": ${JSON.stringify(path)}`);
  return path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ':$1');
}

function requestEvent(app: TenantApp, request: FastifyRequest, reply: FastifyReply): RequestEvent {
  const raw = request.body;
  const body = raw !== null && typeof raw === 'object' && !Buffer.isBuffer(raw) && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  return {
    app,
    request,
    reply,
    params: (request.params ?? {}) as Record<string, string>,
    query: queryOf(request),
    auth: request.auth,
    body,
    json: (status, data) => void sendJSON(request, reply, status, data),
    noContent: () => void reply.code(204).send(),
    requestInfo: () => requestInfo(request, body),
  };
}
