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

/**
 * Closes a connection BullMQ objects shared, after they were closed: QUIT (queued behind what is
 * still in flight) rather than an abrupt disconnect, bounded by `timeoutMs`. A queue or worker
 * closed while its connection was still initialising stops listening for that initialisation's
 * outcome, and an abrupt disconnect would make it fail with an 'error' nobody handles (a crash
 * on SIGTERM right after boot). Falls back to disconnect when Redis does not answer in time.
 */
export async function closeShared(conn: Redis, timeoutMs = 2_000): Promise<void> {
  if (conn.status === 'end') return;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([conn.quit().then(() => 'quit' as const, () => 'failed' as const), timedOut]);
  clearTimeout(timer);
  if (outcome !== 'quit') conn.disconnect();
}
