/** @burrow/db: the control database (Prisma client for SQLite or Postgres) and its boot-time migrator. */
export { openControlDb, type ControlDb, type DatabaseTarget } from './client.js';
export { migrate, type MigrateResult } from './migrator.js';
export { readMigrations, defaultPrismaDir, type Migration } from './migrations_dir.js';
export { isRecordNotFound, uniqueViolation } from './errors.js';
export { newId, parseId, type ControlInstanceId, type HostId, type JobRunId, type SessionId, type UserId } from './ids.js';
export type { Host, Instance, InstanceNode, JobRun, LoginThrottle, Secret, Session, User } from './generated/sqlite/client.js';
export { SecretBox, loadOrCreateSecretKey } from './secret_box.js';
export { InstanceStore, PLATFORM_KEY_ENV } from './instance_store.js';
export { JobRunStore, type JobRunState } from './job_run_store.js';
export { registerHost } from './hosts.js';
export { InstanceNodeStore, LITEFS_PORTS, NodePortsExhaustedError, type NodeRole, type NodeStatus } from './node_store.js';
