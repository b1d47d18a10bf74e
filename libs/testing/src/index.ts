/** @burrow/testing: real infrastructure for integration and end-to-end tests. */
export { freePort, waitForPort } from './ports.js';
export { startRedis, type RedisHandle } from './redis.js';
export { startPostgres, type PostgresHandle } from './postgres.js';
export { resolveLocalhostSubdomains } from './localhost.js';
export { eventually } from './eventually.js';
export { startS3Server, type S3ServerHandle } from './s3.js';
export { unnamedControls, type Evaluator } from './a11y.js';
