/** Public API of the Burrow tenant server, for embedding and tests. */
export { TenantApp, type TenantAppOptions } from './core/app.js';
export { createServer, type ServerOptions } from './apis/server.js';
export { serve, type ServeOptions } from './serve.js';
export { HOOK_NAMES, Hooks, type HookName, type HookEvent, type HookHandler } from './core/hooks.js';
export {
  syncPlatformSuperuser,
  syncSuperuser,
  upsertSuperuser,
  type SuperuserSyncInput,
  type SuperuserSyncResult,
  type SyncPlatformSuperuserOptions,
} from './core/superusers.js';
export { ApiError } from './tools/router/api_error.js';
export type { Collection, Field } from './core/collection_model.js';
export { RecordModel } from './core/record_model.js';
export { Migrations, MigrationError, type MigrationContext } from './core/migrations.js';
export { createApp, BurrowApp, type RecordEvent, type RecordRequestEvent, type RecordsRequestEvent, type RunningApp, type Handler } from './framework/create_app.js';
export { Router, type Middleware, type RequestEvent, type RouteHandler } from './framework/router.js';
export { activityLogger, bodyLimit, rateLimit, requireAuth, requireSuperuserAuth } from './framework/middlewares.js';
export { RecordsApi, type ListOptions } from './framework/records_api.js';
export type { ServeEvent } from './framework/serving.js';
export { badRequest, forbidden, notFound, unauthorized, ValidationError, fieldError } from './tools/router/api_error.js';
