/** @burrow/api: the control API, startable in-process (tests, the launcher). */
export { createApiApp, startApi, type RunningApi } from './app.js';
export { ApiModule, type ApiDeps } from './app.module.js';
export { jsonLogger, silentLogger, type Logger } from './common/logger.js';
