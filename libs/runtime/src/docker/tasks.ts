/**
 * One-off containers on an instance's volume: the tenant's own commands (`burrow-tenant backup
 * create|restore`, `superuser sync`), which must see the tenant's files as the tenant does and
 * run under the same limits and user, never in the platform's own process.
 */
import { PassThrough } from 'node:stream';
import type { InstanceId } from '../instance_id.js';
import type { ResourceLimits } from '../types.js';
import { labelsOf, lockedDownHostConfig, TENANT_USER, VOLUME_MOUNT } from './container_spec.js';
import type { InstanceNames } from './names.js';
import type { ResolvedDockerOptions } from './options.js';

/** What a one-off container runs and sees. */
export interface TaskInput {
  id: InstanceId;
  names: InstanceNames;
  limits: Required<ResourceLimits>;
  /** Arguments of the image's entrypoint (burrow-tenant). */
  cmd: string[];
  /** Extra bind mounts (`host:container[:ro]`). */
  binds?: string[];
  /** Every complete stdout line, as it comes. */
  onLine?: (line: string) => void;
  /** Written to its stdin, which is then closed. */
  stdin?: string;
  signal?: AbortSignal;
}

/** How a task ended. */
export interface TaskResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the task to its end and removes its container. */
export async function runTask(opts: ResolvedDockerOptions, input: TaskInput): Promise<TaskResult> {
  const docker = opts.docker;
  const base = lockedDownHostConfig(opts, input.names, input.limits);
  const container = await docker.createContainer({
    Image: opts.image,
    Cmd: input.cmd,
    Env: Object.entries(opts.baseEnv).map(([k, v]) => `${k}=${v}`),
    User: TENANT_USER,
    OpenStdin: input.stdin !== undefined,
    StdinOnce: input.stdin !== undefined,
    WorkingDir: VOLUME_MOUNT,
    Labels: labelsOf(opts, input.id, 'task'),
    HostConfig: { ...base, NetworkMode: 'none', Binds: input.binds },
  });
  const onAbort = () => void container.kill().catch(() => undefined);
  try {
    const withStdin = input.stdin !== undefined;
    const stream = (await container.attach({ stream: true, stdout: true, stderr: true, stdin: withStdin, hijack: withStdin })) as NodeJS.ReadWriteStream;
    const out = new PassThrough();
    const err = new PassThrough();
    docker.modem.demuxStream(stream, out, err);
    let pending = '';
    let stdout = '';
    out.on('data', (chunk: Buffer) => {
      if (stdout.length < 65536) stdout += chunk.toString('utf8');
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) input.onLine?.(line);
    });
    let stderr = '';
    err.on('data', (chunk: Buffer) => {
      if (stderr.length < 8192) stderr += chunk.toString('utf8');
    });
    const ended = new Promise<void>((resolve) => stream.on('end', () => resolve()));
    const waited = container.wait({ condition: 'next-exit' }) as Promise<{ StatusCode: number }>;
    input.signal?.addEventListener('abort', onAbort, { once: true });
    await container.start();
    if (input.stdin !== undefined) stream.end(input.stdin);
    const { StatusCode } = await waited;
    await Promise.race([ended, new Promise((r) => setTimeout(r, 1_000).unref())]);
    if (pending) input.onLine?.(pending);
    return { code: StatusCode, stdout, stderr: stderr.trim() };
  } finally {
    input.signal?.removeEventListener('abort', onAbort);
    await container.remove({ force: true }).catch(() => undefined);
  }
}
