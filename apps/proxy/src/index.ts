/** @burrow/proxy: the edge that routes `<name>.<BASE_DOMAIN>` to tenants, waking and sleeping them. */
export { createProxyServer, type ProxyServer, type ProxyServerOptions } from './server.js';
export { startProxy, type RunningProxy, type StartProxyDeps } from './start.js';
export {
  MemoryInstanceDirectory,
  PROXY_TRANSITIONS,
  type FindOptions,
  type InstanceDirectory,
  type InstanceRecord,
  type InstanceStatus,
  type ProxyWrittenStatus,
} from './directory.js';
export { PrismaInstanceDirectory, type InstanceRows, type PrismaDirectoryOptions } from './prisma_directory.js';
export { unavailable, RETRY_AFTER } from './availability.js';
export { ProxyMetrics, type ProxyMetricsOptions, type WakeOutcome } from './metrics.js';
export { recordRuntimeFailures } from './runtime_failures.js';
export { TtlCache, type TtlCacheOptions } from './ttl_cache.js';
export { instanceNameFromHost, isPlatformHost, INSTANCE_NAME_PATTERN } from './host.js';
export { loadProxyConfig, ConfigError, type ProxyConfig } from './config.js';
export { jsonLogger, silentLogger, type ProxyLogger, type LogFields } from './logger.js';
export { forwardRequest, stripHopByHop, upstreamHeaders, type ForwardOptions, type ForwardResult } from './forward.js';
export { IdleTracker, type IdleTrackerOptions } from './idle.js';
export { InstanceWaker } from './wake.js';
export { ProxyError, sendError } from './api_error.js';
