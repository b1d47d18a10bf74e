/** The handler of every job. */
import type { Type } from '@nestjs/common';
import { AdminSyncHandler } from './admin_sync_handler.js';
import { BackupHandler } from './backup_handler.js';
import { DeployHandler } from './deploy_handler.js';
import { DeprovisionHandler } from './deprovision_handler.js';
import type { AnyJobHandler } from './job_handler.js';
import { PowerHandler } from './power_handler.js';
import { ProvisionHandler } from './provision_handler.js';
import { ReplicaAddHandler } from './replica_add_handler.js';
import { ReplicaRemoveHandler } from './replica_remove_handler.js';
import { RestoreHandler } from './restore_handler.js';

/** One handler class per job (the registry refuses to boot with a job missing or doubled). */
export const HANDLER_CLASSES: readonly Type<AnyJobHandler>[] = [ProvisionHandler, DeprovisionHandler, PowerHandler, AdminSyncHandler, BackupHandler, RestoreHandler, DeployHandler, ReplicaAddHandler, ReplicaRemoveHandler];

export { AdminSyncHandler, BackupHandler, DeployHandler, DeprovisionHandler, PowerHandler, ProvisionHandler, ReplicaAddHandler, ReplicaRemoveHandler, RestoreHandler };
export type { AnyJobHandler, JobHandler, ProgressReporter } from './job_handler.js';
