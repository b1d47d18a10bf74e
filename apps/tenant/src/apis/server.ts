/** Builds the Fastify server of one tenant: parsers, CORS, auth, error mapping and routes. */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { TenantApp } from '../core/app.js';
import { bindReplication } from './replication.js';
import { ApiError } from '../tools/router/api_error.js';
import { BODY_LIMIT, registerBodyParsers } from './body.js';
import { loadAuth } from './context.js';
import { bindBackupsApi, type RestartWith } from './backups.js';
import { bindBatchApi } from './batch.js';
import { bindCollectionApi } from './collections.js';
import { bindCronsApi } from './crons.js';
import { bindDashboardApi } from './dashboard.js';
import { bindFilesApi } from './files.js';
import { bindHealthApi } from './health.js';
import { bindLogsApi } from './logs.js';
import { bindRateLimits } from './rate_limit.js';
import { trustPlatformProxy } from './real_ip.js';
import { bindPlatformApi } from './platform.js';
import { bindRealtimeApi, type RealtimeOptions } from './realtime.js';
import { bindRecordAuthApi } from './record_auth.js';
import { bindRecordAuthEmailApi } from './record_auth_email.js';
import { bindRecordAuthOAuth2Api } from './record_auth_oauth2.js';
import { bindRecordAuthOtpApi } from './record_auth_otp.js';
import { bindRecordCrudApi } from './record_crud.js';
import { bindRequestLog, noteRequestError, skipLog } from './request_log.js';
import { bindSettingsApi } from './settings.js';
import { bindSettingsTestEmailApi } from './settings_test_email.js';

/** Server options. */
export interface ServerOptions {
  /** Logs internal errors (never sent to clients). */
  logError?: (err: unknown, context: string) => void;
  /**
   * Shared secret of the Burrow control plane; when set, the platform-signed routes
   * (POST /api/_burrow/superuser-token) exist, otherwise they answer 404.
   */
  platformKey?: string;
  /** Restarts the server onto swapped data (backup restore); restore is refused without it. */
  restart?: RestartWith;
  /** Realtime stream limits (tests shorten them). */
  realtime?: Partial<RealtimeOptions>;
  /** The dashboard's build (default: apps/tenant/dashboard/dist beside the compiled tenant). */
  dashboardDir?: string;
}

// Maps Fastify's own errors (parsers, limits) to PocketBase-shaped API errors.
function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const fe = err as Partial<FastifyError>;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new ApiError(413, 'Request entity too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
    case 'FST_PROTO_VIOLATION':
      return new ApiError(400, 'Failed to load the submitted data due to invalid formatting.');
    default:
      break;
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) return new ApiError(fe.statusCode);
  return new ApiError(500, undefined, {}, err);
}

/** Creates the HTTP server for a tenant (not yet listening). */
/** Stands in for Fastify's schema compilers: a route with a schema is a programming error here. */
function noSchemaCompiler(): () => never {
  return () => {
    throw new Error('tenant routes do not use Fastify schemas');
  };
}

export async function createServer(app: TenantApp, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const logError = opts.logError ?? ((err, ctx) => process.stderr.write(`[tenant] ${ctx}: ${err instanceof Error ? err.stack : String(err)}\n`));
  const server = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // No route declares a JSON schema (bodies are validated by the collection pipeline), so
    // Fastify's default compilers are never needed; building them loads and compiles Ajv,
    // ~30 ms of every cold start, i.e. of every wake.
    schemaController: { compilersFactory: { buildValidator: noSchemaCompiler, buildSerializer: noSchemaCompiler } },
    // ids and names come from the path; keep the raw query parser simple and safe
    routerOptions: { ignoreDuplicateSlashes: false, ignoreTrailingSlash: false, maxParamLength: 1000 },
    // Malformed URLs and other router-level failures answer in PocketBase's error shape too.
    frameworkErrors: (err, _request, reply) => {
      const apiErr = toApiError(err);
      const body = (apiErr.status < 500 ? apiErr : new ApiError(400)).toJSON();
      // The framework types this reply with unresolved generics; it is an ordinary reply.
      void (reply as unknown as FastifyReply).code(body.status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
    },
  });
  server.decorateRequest('auth', undefined);
  // First: a replica refuses (with fly-replay) what the primary must serve, before any work.
  bindReplication(app, server);

  // A callback-style hook: no promise per request on the hot path.
  server.addHook('onRequest', (request, reply, done) => {
    reply.header('access-control-allow-origin', '*');
    if (request.method === 'OPTIONS') {
      skipLog(request);
      reply
        .header('access-control-allow-methods', 'GET,HEAD,PUT,PATCH,POST,DELETE')
        .header('access-control-allow-headers', String(request.headers['access-control-request-headers'] ?? '*'))
        .header('access-control-max-age', '86400')
        .code(204)
        .send();
      return;
    }
    try {
      request.auth = loadAuth(app, request);
    } catch (err) {
      done(err as Error);
      return;
    }
    done();
  });
  bindRateLimits(app, server);
  bindRequestLog(app, server);

  server.setErrorHandler((err, request, reply) => {
    const apiErr = toApiError(err);
    noteRequestError(request, apiErr);
    if (apiErr.status >= 500) logError(apiErr.cause ?? err, `${request.method} ${request.url}`);
    reply.code(apiErr.status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(apiErr.toJSON()));
  });
  server.setNotFoundHandler((_request, reply) => {
    reply.code(404).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(new ApiError(404).toJSON()));
  });

  await registerBodyParsers(server);
  bindHealthApi(app, server);
  bindSettingsApi(app, server);
  bindSettingsTestEmailApi(app, server);
  bindCollectionApi(app, server);
  bindRecordCrudApi(app, server);
  bindRecordAuthApi(app, server);
  bindRecordAuthEmailApi(app, server);
  bindRecordAuthOtpApi(app, server);
  bindBatchApi(app, server);
  bindFilesApi(app, server, logError);
  bindLogsApi(app, server);
  bindBackupsApi(app, server, opts.restart);
  bindCronsApi(app, server);
  bindDashboardApi(app, server, opts.dashboardDir);
  const broker = bindRealtimeApi(app, server, opts.realtime);
  bindRecordAuthOAuth2Api(app, server, broker);
  if (opts.platformKey) {
    trustPlatformProxy(app);
    await bindPlatformApi(app, server, opts.platformKey);
  }
  return server;
}
