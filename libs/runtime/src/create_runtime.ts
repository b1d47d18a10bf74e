/** Builds the driver the platform's config chooses (RUNTIME=process|docker), for every app alike. */
import { existsSync } from 'node:fs';
import { DockerRuntime } from './docker/docker_runtime.js';
import type { DockerEndpoint } from './docker/options.js';
import { ProcessRuntime } from './process/process_runtime.js';
import type { InstanceRuntimeDriver, ResourceLimits } from './types.js';

/** The parts of the platform's config a runtime needs (structurally the PlatformConfig's). */
export interface RuntimeChoice {
  runtime: 'process' | 'docker';
  instancesDir: string;
  tenantBin: string;
  docker: { endpoint: DockerEndpoint; image: string; namespace: string; network: string; limits: Required<ResourceLimits> };
  /** The LiteFS binary of replicated instances (process driver); used when it exists. */
  replicas?: { litefsBin: string };
}

/** The driver of `config.runtime`; `standby` warm processes (process driver only). */
export function createRuntime(config: RuntimeChoice, opts: { standby: number }): InstanceRuntimeDriver {
  if (config.runtime === 'docker') {
    const d = config.docker;
    return new DockerRuntime({ docker: d.endpoint, image: d.image, namespace: d.namespace, network: d.network, defaultLimits: d.limits });
  }
  const litefsBin = config.replicas && existsSync(config.replicas.litefsBin) ? config.replicas.litefsBin : undefined;
  return new ProcessRuntime({ rootDir: config.instancesDir, tenantBin: config.tenantBin, standby: opts.standby, litefsBin });
}
