/** Small, forgiving wrappers of the Docker API calls the driver makes (404 = absent, never an error). */
import type Docker from 'dockerode';
import type { ExitInfo, ResourceLimits } from '../types.js';
import { LABEL } from './names.js';

export type Inspect = Docker.ContainerInspectInfo;

/** The HTTP status of a Docker API error, if it is one. */
export function statusCode(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'statusCode' in err ? Number((err as { statusCode: unknown }).statusCode) : undefined;
}

/** The container, or undefined when there is none by that name or id. */
export async function inspectContainer(docker: Docker, nameOrId: string): Promise<Inspect | undefined> {
  try {
    return await docker.getContainer(nameOrId).inspect();
  } catch (err) {
    if (statusCode(err) === 404) return undefined;
    throw err;
  }
}

/** Force-removes a container; absent (404) or already being removed (409) is fine. */
export async function removeContainer(docker: Docker, nameOrId: string): Promise<void> {
  await docker.getContainer(nameOrId).remove({ force: true }).catch((err: unknown) => {
    if (statusCode(err) !== 404 && statusCode(err) !== 409) throw err;
  });
}

/** Whether the named volume exists. */
export async function volumeExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getVolume(name).inspect();
    return true;
  } catch (err) {
    if (statusCode(err) === 404) return false;
    throw err;
  }
}

/** How a stopped or crashed container ended. */
export function exitOf(info: Inspect): ExitInfo {
  const finished = info.State.FinishedAt && !info.State.FinishedAt.startsWith('0001') ? new Date(info.State.FinishedAt) : new Date();
  return { code: info.State.ExitCode, signal: info.State.OOMKilled || info.State.ExitCode === 137 ? 'SIGKILL' : null, at: finished.toISOString() };
}

/** The limits a container was created with (zero means none was set). */
export function limitsOfContainer(info: Inspect): ResourceLimits {
  const h = info.HostConfig;
  const out: ResourceLimits = {};
  if (h.Memory) out.memoryMb = h.Memory / 1024 / 1024;
  if (h.NanoCpus) out.cpus = h.NanoCpus / 1e9;
  if (h.PidsLimit) out.pids = h.PidsLimit;
  return out;
}

/** Force-removes every container and volume labelled with `namespace` (tests, benches, an operator's clean-up). */
export async function removeDockerNamespace(docker: Docker, namespace: string): Promise<void> {
  const filters = { label: [`${LABEL.namespace}=${namespace}`] };
  for (const c of await docker.listContainers({ all: true, filters })) await removeContainer(docker, c.Id);
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) {
    await docker.getVolume(v.Name).remove({ force: true }).catch((err: unknown) => {
      if (statusCode(err) !== 404) throw err;
    });
  }
}
