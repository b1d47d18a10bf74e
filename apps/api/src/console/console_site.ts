/**
 * The web console's build (apps/console/dist) served at `/` from memory (@burrow/spa). Paths of
 * the API are never the console's page: a miss there is a JSON 404.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SpaSite } from '@burrow/spa';

/** Prefixes that belong to the API: a miss there is a JSON 404, never the console's page. */
const API_PREFIXES = ['/api/', '/metrics'];

/** The console build held in memory. */
export class ConsoleSite {
  private constructor(private readonly site: SpaSite) {}

  /** Reads the build in `dir`; undefined when there is none (index.html missing). */
  static load(dir: string): ConsoleSite | undefined {
    const site = SpaSite.load(dir);
    return site ? new ConsoleSite(site) : undefined;
  }

  /** Paths of the build (tests, logs). */
  get paths(): string[] {
    return this.site.paths;
  }

  /** Adds `GET /` and the catch-all `GET /*` (HEAD follows) to the api's Fastify instance. */
  register(fastify: FastifyInstance): void {
    const handler = (request: FastifyRequest, reply: FastifyReply) => this.serve(request, reply);
    fastify.get('/', handler);
    fastify.get('/*', handler);
  }

  private serve(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const path = request.url.split('?')[0];
    if (path === '/api' || API_PREFIXES.some((p) => path.startsWith(p))) {
      return reply.status(404).send({ status: 404, message: 'The requested resource was not found.', data: {} });
    }
    return this.site.serve(path, request, reply);
  }
}
