/** @burrow/runtime: the InstanceRuntime contract and its drivers. */
export type {
  BackupOptions,
  ContinuousBackupSpec,
  Endpoint,
  ExitInfo,
  InstanceRuntime,
  InstanceRuntimeDriver,
  InstanceSpec,
  LiteFsNodeSpec,
  ReplicationState,
  LogLine,
  LogOptions,
  ResourceLimits,
  RuntimeInstance,
  RuntimeState,
  RuntimeStatus,
  StateChange,
} from './types.js';
export { isInstanceId, parseInstanceId, type InstanceId } from './instance_id.js';
export { RuntimeError, type RuntimeErrorCode } from './errors.js';
export { systemClock, type Clock } from './clock.js';
export { httpRequest, type ProbeOptions, type ProbeResponse } from './http_probe.js';
export { ProcessRuntime } from './process/process_runtime.js';
export type { ProcessRuntimeOptions } from './process/options.js';
export type { SpawnFn } from './process/spawn_tenant.js';
export { DEFAULT_BASE_ENV } from './process/env.js';
export { DockerRuntime } from './docker/docker_runtime.js';
export { removeDockerNamespace } from './docker/docker_api.js';
export type { DockerEndpoint, DockerRuntimeOptions } from './docker/options.js';
export { createRuntime, type RuntimeChoice } from './create_runtime.js';
export { liteFsNodeSpec, type LiteFsNodeRow } from './litefs_spec.js';
export { inLiteFs, instanceLayout, type InstanceLayout } from './process/layout.js';
