/** @burrow/jobs: BullMQ queues, connections and the job producer shared by api and worker. */
export { SHARED_QUEUE, bullJobId, queueFor, type JobData } from './names.js';
export { QueueUnavailableError, closeShared, producerConnection, workerConnection } from './redis.js';
export { JOB_ATTEMPTS, JobProducer, backupSchedulerId } from './producer.js';
