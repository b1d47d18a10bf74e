// The BullMQ consumer against a real Redis: a stop right after the start (a SIGTERM just after
// boot) must not crash the process while BullMQ is still initialising the shared connection.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { closeShared } from '@burrow/jobs';
import { startRedis, type RedisHandle } from '@burrow/testing';
import type { JobProcessor } from './job_processor.js';
import { QueueConsumer } from './queue_consumer.js';
import type { WorkerSettings } from './settings.js';

let redis: RedisHandle;
let admin: Redis;
before(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
});
after(async () => {
  admin.disconnect();
  await redis.stop();
});

test('a consumer stopped while its connection initialises: the shared connection closes without an unhandled error', async () => {
  const crashes: unknown[] = [];
  const onCrash = (err: unknown): void => void crashes.push(err);
  process.on('uncaughtException', onCrash);
  try {
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    await new Promise((resolve) => connection.once('ready', resolve));
    // Every client's commands wait: BullMQ's initialisation (its INFO) is in flight when we stop.
    await admin.call('CLIENT', 'PAUSE', '300', 'ALL');
    const settings = { queues: ['q-stop'], concurrency: 1, lockDurationMs: 15_000, stalledIntervalMs: 5_000 } as WorkerSettings;
    const consumer = new QueueConsumer(settings, connection, { process: async () => undefined } as unknown as JobProcessor);
    consumer.onApplicationBootstrap();
    await consumer.stop(false);
    await closeShared(connection);
    if (connection.status !== 'end') await once(connection, 'end');
    // The initialisation finished (or failed) before the close; nothing is left to reject later.
    await admin.ping();
  } finally {
    process.off('uncaughtException', onCrash);
  }
  assert.deepEqual(crashes.map(String), []);
});
