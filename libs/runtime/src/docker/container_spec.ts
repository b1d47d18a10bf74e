/**
 * The create options of a tenant container: the instance's volume as the only writable place
 * besides a small /tmp, no capabilities, no new privileges, its limits, its own env only.
 */
import type Docker from 'dockerode';
import type { InstanceId } from '../instance_id.js';
import { tenantEnv } from '../process/env.js';
import type { InstanceSpec, ResourceLimits } from '../types.js';
import { LABEL, type ContainerRole, type InstanceNames } from './names.js';
import type { ResolvedDockerOptions } from './options.js';

/** Where the volume is mounted, and the tenant's data dir and the driver's work dirs in it. */
export const VOLUME_MOUNT = '/data';
export const DATA_DIR = '/data/pb_data';
export const WORK_DIR = '/data/runtime';
/** The port tenants listen on inside a Docker network (not the host network). */
export const NETWORK_PORT = 8090;
/** The uid:gid tenants run as (the image's `node` user). */
export const TENANT_USER = '1000:1000';

/** The limits that apply: the spec's, else the runtime's defaults. */
export function effectiveLimits(spec: InstanceSpec, defaults: Required<ResourceLimits>): Required<ResourceLimits> {
  return { ...defaults, ...Object.fromEntries(Object.entries(spec.limits ?? {}).filter(([, v]) => v !== undefined)) };
}

/** Labels of everything the driver creates for `id`. */
export function labelsOf(opts: ResolvedDockerOptions, id: InstanceId, role: ContainerRole, extra: Record<string, string> = {}): Record<string, string> {
  return { [LABEL.instance]: id, [LABEL.namespace]: opts.namespace, [LABEL.role]: role, ...extra };
}

/** The host settings every container of an instance shares (tenant and one-off tasks). */
export function lockedDownHostConfig(opts: ResolvedDockerOptions, names: InstanceNames, limits: Required<ResourceLimits>): Docker.HostConfig {
  const memory = Math.round(limits.memoryMb * 1024 * 1024);
  return {
    Mounts: [{ Type: 'volume', Source: names.volume, Target: VOLUME_MOUNT }],
    NetworkMode: opts.network,
    ReadonlyRootfs: true,
    Tmpfs: { '/tmp': 'rw,noexec,nosuid,nodev,size=64m' },
    CapDrop: ['ALL'],
    SecurityOpt: ['no-new-privileges'],
    Privileged: false,
    Memory: memory,
    MemorySwap: memory, // no swap: the limit is the limit
    NanoCpus: Math.round(limits.cpus * 1e9),
    PidsLimit: Math.round(limits.pids),
    RestartPolicy: { Name: 'no' }, // Burrow restarts crashed tenants itself, and knows it did
    // Bounded like the process driver's log file (8 MiB, one rotation): a chatty tenant cannot fill the disk.
    LogConfig: { Type: 'json-file', Config: { 'max-size': '8m', 'max-file': '2' } },
    Init: false,
  };
}

/** The create options of the tenant container of `spec`, listening on `port`. */
export function tenantContainerOptions(
  opts: ResolvedDockerOptions,
  names: InstanceNames,
  spec: InstanceSpec,
  port: number,
): Docker.ContainerCreateOptions {
  const listen = opts.network === 'host' ? `${opts.host}:${port}` : `0.0.0.0:${NETWORK_PORT}`;
  const limits = effectiveLimits(spec, opts.defaultLimits);
  const env = tenantEnv(opts.baseEnv, VOLUME_MOUNT, spec.env);
  return {
    name: names.main,
    Image: opts.image,
    Cmd: ['serve', '--http', listen, '--dir', DATA_DIR],
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    User: TENANT_USER,
    WorkingDir: VOLUME_MOUNT,
    Labels: labelsOf(opts, spec.id, 'tenant', { [LABEL.port]: String(port) }),
    StopSignal: 'SIGTERM',
    HostConfig: lockedDownHostConfig(opts, names, limits),
  };
}
