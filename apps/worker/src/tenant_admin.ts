/** Writes the owner's console credentials into a tenant's `_superusers` (admin sync, as PocketHost does). */
import { mkdir } from 'node:fs/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { ControlInstanceId } from '@burrow/db';
import { isMounted } from '@burrow/litefs';
import { inLiteFs, instanceLayout, parseInstanceId, type InstanceRuntime } from '@burrow/runtime';
import { syncPlatformSuperuser } from '@burrow/tenant';
import type { WorkerSettings } from './settings.js';
import { RUNTIME, SETTINGS } from './tokens.js';

/** The credentials to sync: the console account's email and bcrypt hash (never a plain password). */
export interface OwnerCredentials {
  email: string;
  passwordHash: string;
}

/**
 * With the process runtime, tenant data directories are this host's (`<rootDir>/<id>/data`, see
 * libs/runtime README) and the sync opens the tenant's SQLite file directly. With the docker
 * runtime the data is in the instance's volume: the sync runs the tenant's own
 * `superuser sync` command there. Either way it works while the tenant sleeps and is safe while
 * it runs (WAL, busy timeout).
 */
@Injectable()
export class TenantAdmin {
  private readonly instancesDir: string;
  private readonly inVolume: boolean;

  /** Works under `settings.instancesDir` (process runtime) or through the runtime (docker). */
  constructor(
    @Inject(SETTINGS) settings: WorkerSettings,
    @Inject(RUNTIME) private readonly runtime: InstanceRuntime,
  ) {
    this.instancesDir = settings.instancesDir;
    this.inVolume = settings.runtime === 'docker';
  }

  /** The tenant's `--dir`. */
  dataDir(id: ControlInstanceId): string {
    return instanceLayout(this.instancesDir, parseInstanceId(id)).dataDir;
  }

  /** Creates the data directory (no-op when it exists; the docker runtime makes its volume itself). */
  async prepare(id: ControlInstanceId): Promise<void> {
    if (!this.inVolume) await mkdir(this.dataDir(id), { recursive: true });
  }

  /**
   * Creates or updates the owner's superuser; nothing is written when it already matches.
   * Resolves `deferred` for a replicated instance whose primary is not running: its database is
   * in LiteFS, reachable only through the running node's mount (bringing it up syncs it); a
   * plain file is never created beside it.
   */
  async sync(id: ControlInstanceId, owner: OwnerCredentials): Promise<'synced' | 'deferred'> {
    if (this.inVolume) {
      await this.runtime.tenantCommand(parseInstanceId(id), ['superuser', 'sync', owner.email], { stdin: owner.passwordHash });
      return 'synced';
    }
    const layout = instanceLayout(this.instancesDir, parseInstanceId(id));
    // In LiteFS, the database is reached through the primary's mount: there while it runs.
    const dbDir = inLiteFs(layout) ? layout.litefsMount : undefined;
    if (dbDir !== undefined && !isMounted(dbDir)) return 'deferred';
    syncPlatformSuperuser({ dir: layout.dataDir, dbDir, email: owner.email, passwordHash: owner.passwordHash });
    return 'synced';
  }
}
