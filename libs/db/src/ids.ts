/** Branded ids of the control database, so one kind of id cannot be passed for another. */
import { randomInt } from 'node:crypto';

/** A console account's id. */
export type UserId = string & { readonly __brand: 'UserId' };
/** A session's id (never the bearer token itself). */
export type SessionId = string & { readonly __brand: 'SessionId' };
/** A host's id. */
export type HostId = string & { readonly __brand: 'HostId' };
/** An instance's id; also its runtime id and directory name. */
export type ControlInstanceId = string & { readonly __brand: 'InstanceId' };
/** A job run's id (the BullMQ job id). */
export type JobRunId = string & { readonly __brand: 'JobRunId' };

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random 15-character lowercase id (PocketBase's shape; safe as a path segment and DNS label). */
export function newId<T extends string>(): T {
  let id = ALPHABET[randomInt(26)];
  for (let i = 1; i < 15; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id as T;
}

const ID_RE = /^[a-z0-9]{15}$/;

/** The id if it has the shape newId produces, else undefined (route params go through this). */
export function parseId<T extends string>(value: unknown): T | undefined {
  return typeof value === 'string' && ID_RE.test(value) ? (value as T) : undefined;
}
