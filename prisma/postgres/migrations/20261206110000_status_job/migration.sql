-- Options of the job that moves an instance's current status (issue 6: provisioning from a backup, deleting with its backups), so a re-queued job keeps them.
ALTER TABLE "Instance" ADD COLUMN "statusJob" TEXT;
