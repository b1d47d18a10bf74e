/** Injection tokens of the api's side effects (STYLE.md: each behind an injectable, swappable in tests). */

/** PlatformConfig. */
export const CONFIG = Symbol('CONFIG');
/** ControlDb (Prisma). */
export const DB = Symbol('DB');
/** JobProducer. */
export const JOBS = Symbol('JOBS');
/** The Redis connection of the producer (health). */
export const REDIS = Symbol('REDIS');
/** InstanceRuntime (logs only: the api never starts or stops tenants). */
export const RUNTIME = Symbol('RUNTIME');
/** SecretBox. */
export const SECRET_BOX = Symbol('SECRET_BOX');
/** Clock: () => Date. */
export const CLOCK = Symbol('CLOCK');
/** TenantClient (signed calls to tenants through the proxy). */
export const TENANT_CLIENT = Symbol('TENANT_CLIENT');
/** Prometheus registry of this process. */
export const METRICS = Symbol('METRICS');

/** The time source. */
export type Clock = () => Date;
