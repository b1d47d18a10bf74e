/** instance.admin-sync: the owner's console credentials become the tenant's superuser credentials. */
import { Inject, Injectable } from '@nestjs/common';
import type { InstanceStore } from '@burrow/db';
import { ControlRows } from '../control_rows.js';
import type { CheckedPayload } from '../job_payload.js';
import { TenantAdmin } from '../tenant_admin.js';
import { syncOwner } from './instance_steps.js';
import type { JobHandler, ProgressReporter } from './job_handler.js';
import { INSTANCES } from '../tokens.js';

/** Writes the tenant's SQLite file directly, so it works while the instance sleeps or is stopped. */
@Injectable()
export class AdminSyncHandler implements JobHandler<'instance.admin-sync'> {
  /** The job this class handles. */
  readonly job = 'instance.admin-sync';

  /** Takes the stores and the tenant's admin sync. */
  constructor(
    @Inject(INSTANCES) private readonly instances: InstanceStore,
    @Inject(ControlRows) private readonly rows: ControlRows,
    @Inject(TenantAdmin) private readonly admin: TenantAdmin,
  ) {}

  /** Syncs the owner; a missing or deleting instance needs nothing. */
  async handle({ instanceId }: CheckedPayload<'instance.admin-sync'>, progress: ProgressReporter): Promise<void> {
    const row = await this.instances.byId(instanceId);
    if (!row || row.status === 'deleting') {
      await progress({ percent: 100, step: row ? 'Nothing to do (instance is deleting)' : 'Nothing to do (instance is gone)' });
      return;
    }
    await progress({ percent: 30, step: 'Syncing the admin account' });
    const done = await syncOwner(this.rows, this.admin, row, instanceId);
    // A replicated instance's database is on its primary's LiteFS mount, there only while it runs.
    await progress({ percent: 100, step: done === 'synced' ? 'Admin account synced' : 'The admin account is synced when the instance starts' });
  }
}
