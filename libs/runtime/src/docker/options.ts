/** Options of the docker driver and their defaults. */
import Docker from 'dockerode';
import { systemClock, type Clock } from '../clock.js';
import { RuntimeError } from '../errors.js';
import { DEFAULT_BASE_ENV } from '../process/env.js';
import { pickFreePort } from '../process/ports.js';
import type { ResourceLimits } from '../types.js';

/** Where the Docker daemon answers: a unix socket or a TCP endpoint (`DOCKER_HOST`). */
export type DockerEndpoint = { socketPath: string } | { host: string; port: number; protocol?: 'http' | 'https' };

/** What `new DockerRuntime(...)` takes; everything has a default. */
export interface DockerRuntimeOptions {
  /** A client, or where the daemon answers (default: /var/run/docker.sock). */
  docker?: Docker | DockerEndpoint;
  /** The tenant image (default `burrow/tenant:local`, see docker/README.md). */
  image?: string;
  /**
   * Prefix of every container and volume name, also set as a label: runtimes with another
   * namespace never see or touch these (tests use one each). Default `burrow`.
   */
  namespace?: string;
  /**
   * `host`: containers share the host's network and each tenant listens on its own loopback
   * port (this machine has no bridge). Any other value names a Docker network the control
   * plane is on too: tenants listen on 8090 and are reached by container name.
   */
  network?: string;
  /** Loopback address tenants listen on with the host network (default 127.0.0.1). */
  host?: string;
  /** Limits of instances whose spec has none (default: 256 MiB, 1 CPU, 256 pids). */
  defaultLimits?: ResourceLimits;
  /** How long a start waits for `GET /api/health` = 200 (default 30 000 ms). */
  healthTimeoutMs?: number;
  /** Crash restart delay: initialMs doubling per recent crash up to maxMs (default 500 / 30 000). */
  backoff?: { initialMs: number; maxMs: number };
  /** `count` crashes within `windowMs` mark the instance failed (default 5 in 60 000 ms). */
  maxCrashes?: { count: number; windowMs: number };
  /** Default SIGTERM grace of stop() (default 10 000 ms). */
  graceMs?: number;
  /** Environment every tenant starts from, before its own env (default: PATH, NODE_ENV, LANG). */
  baseEnv?: Record<string, string>;
  /** Time source (default: the system clock). */
  clock?: Clock;
  /** Picks a free port on the host network. */
  pickPort?: (host: string) => Promise<number>;
}

/** The options with every default filled in. */
export interface ResolvedDockerOptions extends Required<Omit<DockerRuntimeOptions, 'docker' | 'defaultLimits'>> {
  docker: Docker;
  defaultLimits: Required<ResourceLimits>;
}

const NAMESPACE = /^[a-z][a-z0-9-]{0,30}$/;

/** Fills in defaults and checks the values; throws RuntimeError `invalid_spec` on bad ones. */
export function resolveDockerOptions(opts: DockerRuntimeOptions): ResolvedDockerOptions {
  const namespace = opts.namespace ?? 'burrow';
  if (!NAMESPACE.test(namespace)) throw new RuntimeError('invalid_spec', `namespace must match ${NAMESPACE}, got ${JSON.stringify(namespace)}`);
  const host = opts.host ?? '127.0.0.1';
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) {
    throw new RuntimeError('invalid_spec', `host must be an IPv4 loopback address, got ${JSON.stringify(host)}`);
  }
  const docker = opts.docker instanceof Docker ? opts.docker : new Docker(opts.docker ?? { socketPath: '/var/run/docker.sock' });
  return {
    docker,
    image: opts.image ?? 'burrow/tenant:local',
    namespace,
    network: opts.network ?? 'host',
    host,
    defaultLimits: { memoryMb: 256, cpus: 1, pids: 256, ...opts.defaultLimits },
    healthTimeoutMs: opts.healthTimeoutMs ?? 30_000,
    backoff: opts.backoff ?? { initialMs: 500, maxMs: 30_000 },
    maxCrashes: opts.maxCrashes ?? { count: 5, windowMs: 60_000 },
    graceMs: opts.graceMs ?? 10_000,
    baseEnv: opts.baseEnv ?? { ...DEFAULT_BASE_ENV },
    clock: opts.clock ?? systemClock,
    pickPort: opts.pickPort ?? pickFreePort,
  };
}
