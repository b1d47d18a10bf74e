/** @burrow/contracts: job registry, instance states and names shared by the apps. */
export * from './instance.js';
export * from './jobs.js';
export * from './platform_signature.js';
export * from './deploy.js';
export * from './replication.js';
