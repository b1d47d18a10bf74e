/**
 * How the docker driver names and labels what it creates. The container's name carries its
 * state so that every runtime on the same Docker endpoint (api, worker, proxy) reads the same
 * truth from Docker itself: `<ns>-<id>` runs (or crashed and is being restarted),
 * `<ns>-<id>.stopped` was stopped on purpose, `<ns>-<id>.failed` crashed too often.
 */
import type { InstanceId } from '../instance_id.js';

/** Label keys (values are strings). */
export const LABEL = {
  instance: 'burrow.instance',
  namespace: 'burrow.namespace',
  port: 'burrow.port',
  role: 'burrow.role',
} as const;

/** What a container of an instance is for. */
export type ContainerRole = 'tenant' | 'task';

/** The names of one instance's container(s) and volume in a namespace. */
export interface InstanceNames {
  /** The running (or crashed, restarting) tenant container. */
  main: string;
  /** The same container after a wanted stop. */
  stopped: string;
  /** The same container after too many crashes. */
  failed: string;
  /** The named volume mounted at /data. */
  volume: string;
}

/** Names of `id` in `namespace`. */
export function instanceNames(namespace: string, id: InstanceId): InstanceNames {
  const main = `${namespace}-${id}`;
  return { main, stopped: `${main}.stopped`, failed: `${main}.failed`, volume: `${main}-data` };
}

/** Which of an instance's names `name` is (Docker reports names with a leading slash). */
export function nameKind(names: InstanceNames, name: string): 'main' | 'stopped' | 'failed' | undefined {
  const bare = name.startsWith('/') ? name.slice(1) : name;
  if (bare === names.main) return 'main';
  if (bare === names.stopped) return 'stopped';
  if (bare === names.failed) return 'failed';
  return undefined;
}
