/** @burrow/config: environment parsing into typed settings (the only reader of process env). */
export { ConfigError, EnvReader, processEnv, type Env } from './env.js';
export { loadPlatformConfig, type ContinuousBackupConfig, type PlatformConfig, type RuntimeKind, type S3StoreConfig } from './platform.js';
