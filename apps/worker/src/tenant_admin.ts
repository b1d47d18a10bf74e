/** Writes the owner's console credentials into a tenant's `_superusers` (admin sync, as PocketHost does). */
import { mkdir } from 'node:fs/promises';
import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import type { ControlInstanceId } from '@burrow/db';
import { syncPlatformSuperuser, type SuperuserSyncResult } from '@burrow/tenant';
import type { WorkerSettings } from './settings.js';
import { SETTINGS } from './tokens.js';

/** The credentials to sync: the console account's email and bcrypt hash (never a plain password). */
export interface OwnerCredentials {
  email: string;
  passwordHash: string;
}

/**
 * Tenant data directories as the process runtime lays them out (`<rootDir>/<id>/data`, see
 * libs/runtime README). The sync opens the tenant's SQLite file directly, so it works while
 * the tenant sleeps and is safe while it runs (WAL, busy timeout).
 */
@Injectable()
export class TenantAdmin {
  private readonly instancesDir: string;

  /** Works under `settings.instancesDir`, the process runtime's rootDir. */
  constructor(@Inject(SETTINGS) settings: WorkerSettings) {
    this.instancesDir = settings.instancesDir;
  }

  /** The tenant's `--dir`. */
  dataDir(id: ControlInstanceId): string {
    return join(this.instancesDir, id, 'data');
  }

  /** Creates the data directory (no-op when it exists). */
  async prepare(id: ControlInstanceId): Promise<void> {
    await mkdir(this.dataDir(id), { recursive: true });
  }

  /** Creates or updates the owner's superuser; nothing is written when it already matches. */
  sync(id: ControlInstanceId, owner: OwnerCredentials): SuperuserSyncResult {
    return syncPlatformSuperuser({ dir: this.dataDir(id), email: owner.email, passwordHash: owner.passwordHash });
  }
}
