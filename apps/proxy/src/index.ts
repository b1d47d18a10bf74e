/** @burrow/proxy: the edge that routes `<name>.<BASE_DOMAIN>` to tenants, waking and sleeping them. */
export { createProxyServer, type ProxyServer, type ProxyServerOptions } from './server.js';
export { MemoryInstanceDirectory, type InstanceDirectory, type InstanceRecord, type InstanceStatus } from './directory.js';
export { instanceNameFromHost, INSTANCE_NAME_PATTERN } from './host.js';
export { loadProxyConfig, ConfigError, type ProxyConfig } from './config.js';
export { jsonLogger, silentLogger, type ProxyLogger, type LogFields } from './logger.js';
export { forwardRequest, stripHopByHop, upstreamHeaders, type ForwardOptions, type ForwardResult } from './forward.js';
export { IdleTracker, type IdleTrackerOptions } from './idle.js';
export { InstanceWaker } from './wake.js';
export { ProxyError, sendError } from './api_error.js';
