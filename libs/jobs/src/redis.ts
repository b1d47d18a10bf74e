/** Redis connections with the settings each role needs (DESIGN.md §4: fail fast in the api, block in workers). */
import { Redis } from 'ioredis';

/** Thrown when a job cannot be queued because Redis does not answer. */
export class QueueUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The job queue (Redis) is unavailable; try again in a moment.', { cause });
    this.name = 'QueueUnavailableError';
  }
}

/**
 * A connection for producers: commands fail at once while Redis is down (no offline queue)
 * and the connection keeps retrying in the background, so the api recovers by itself.
 */
export function producerConnection(url: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
    lazyConnect: false,
  });
}

/** A connection for workers: blocking commands, retried forever (BullMQ requires maxRetriesPerRequest null). */
export function workerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (attempt) => Math.min(100 * attempt, 2000) });
}
