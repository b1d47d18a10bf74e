/** Where one instance's files live under the process driver's root directory. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { InstanceId } from '../instance_id.js';

/** The paths of one instance; built only from a validated id. */
export interface InstanceLayout {
  /** `<rootDir>/<id>`: everything of the instance. */
  instanceDir: string;
  /** `<rootDir>/<id>/data`: the tenant's `--dir` (the volume). */
  dataDir: string;
  /** `<rootDir>/<id>/runtime`: state of the runtime, never seen by the tenant's API. */
  runtimeDir: string;
  /** `runtime/pid.json`: pid, port, startedAt and command of the live process. */
  pidFile: string;
  /** `runtime/lock`: held while a runtime spawns or marks a stop (several runtimes may share a root). */
  lockFile: string;
  /** `runtime/spec.json` (mode 0600): the spec of the last start, to restart adopted instances. */
  specFile: string;
  /** `runtime/tenant.log`: the tenant's stdout and stderr plus the runtime's system lines. */
  logFile: string;
  /** `runtime/tenant.log.1`: the previous log, rotated at a spawn when the log grew too big. */
  oldLogFile: string;
  /** `runtime/litestream.yml` (mode 0600): continuous backup's config, when it is on. */
  litestreamConfig: string;
  /** `runtime/litestream`: Litestream's position in data.db's WAL (cleared by a restore). */
  litestreamMeta: string;
  /** `runtime/litefs.yml`: the LiteFS node's config, when the instance is replicated. */
  litefsConfig: string;
  /** `<id>/litefs`: LiteFS's own state (its copy of data.db, LTX files). */
  litefsDataDir: string;
  /** `<id>/db`: the LiteFS mount, the tenant's `--db-dir` (outside the data dir: backups never walk into it). */
  litefsMount: string;
}

/** Computes the layout of `id` under `rootDir` (an absolute path). */
export function instanceLayout(rootDir: string, id: InstanceId): InstanceLayout {
  const instanceDir = join(rootDir, id);
  const runtimeDir = join(instanceDir, 'runtime');
  return {
    instanceDir,
    dataDir: join(instanceDir, 'data'),
    runtimeDir,
    pidFile: join(runtimeDir, 'pid.json'),
    lockFile: join(runtimeDir, 'lock'),
    specFile: join(runtimeDir, 'spec.json'),
    logFile: join(runtimeDir, 'tenant.log'),
    oldLogFile: join(runtimeDir, 'tenant.log.1'),
    litestreamConfig: join(runtimeDir, 'litestream.yml'),
    litestreamMeta: join(runtimeDir, 'litestream'),
    litefsConfig: join(runtimeDir, 'litefs.yml'),
    litefsDataDir: join(instanceDir, 'litefs'),
    litefsMount: join(instanceDir, 'db'),
  };
}

/**
 * `<rootDir>/.standby`: working directory and output files of the warm standby processes. The
 * leading dot keeps it out of the instance namespace (ids never contain one), so list() and
 * adoption never take it for an instance.
 */
export function standbyDir(rootDir: string): string {
  return join(rootDir, '.standby');
}

/**
 * True when the instance's database lives in LiteFS (it was imported into, or created by, a
 * LiteFS node): from then on LiteFS holds the truth, whatever plain file may lie in the data dir.
 */
export function inLiteFs(layout: InstanceLayout): boolean {
  return existsSync(join(layout.litefsDataDir, 'dbs', 'data.db'));
}
