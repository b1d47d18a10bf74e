/** Continuous backup of a SQLite database with Litestream. */
export { litestreamBinary, runLitestream, LitestreamUnavailableError, type RunOptions } from './binary.js';
export { renderConfig, describeTarget, platformReplica, DEFAULT_TIMING, type ReplicaStoreSettings, type ReplicaTarget, type FileReplicaTarget, type S3ReplicaTarget, type ReplicationConfig, type ReplicationTiming } from './config.js';
export { endRecordedReplicator, Replicator, type ReplicatorOptions } from './replicator.js';
export { restoreWindow, restoreAt, chooseGeneration, parseGenerations, PointInTimeError, type Generation, type RestoreWindow } from './point_in_time.js';
