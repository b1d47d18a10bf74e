/** A real worker environment for integration tests: Redis, a SQLite control DB in a temp DATA_DIR, the real tenant. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import bcrypt from 'bcryptjs';
import { loadPlatformConfig, type PlatformConfig } from '@burrow/config';
import type { JobName, JobPayloads } from '@burrow/contracts';
import {
  JobRunStore, SecretBox, loadOrCreateSecretKey, migrate, newId, openControlDb, registerHost,
  type ControlDb, type ControlInstanceId, type HostId, type JobRun, type UserId,
} from '@burrow/db';
import { JobProducer, producerConnection } from '@burrow/jobs';
import { ProcessRuntime, parseInstanceId } from '@burrow/runtime';
import { startRedis, type RedisHandle } from '@burrow/testing';
import type { Redis } from 'ioredis';

/** What a test creates: an owner and one instance on the test host. */
export interface TestInstance {
  id: ControlInstanceId;
  name: string;
  email: string;
  password: string;
  ownerId: UserId;
}

/** Everything a worker test needs, plus cleanup. */
export class WorkerFixture {
  private readonly created: ControlInstanceId[] = [];

  private constructor(
    readonly config: PlatformConfig,
    readonly db: ControlDb,
    readonly box: SecretBox,
    /** A runtime of the test's own on the worker's root: to inspect tenants and remove them at the end. */
    readonly runtime: ProcessRuntime,
    private readonly redis: RedisHandle,
    private readonly producerRedis: Redis,
    readonly producer: JobProducer,
  ) {}

  /** Starts Redis, creates DATA_DIR and the control DB, registers the host. */
  static async start(): Promise<WorkerFixture> {
    const redis = await startRedis();
    const dataDir = mkdtempSync(join(tmpdir(), 'burrow-worker-'));
    const config = loadPlatformConfig({ DATA_DIR: dataDir, REDIS_URL: redis.url, BURROW_HOST: 'testhost' }, process.cwd());
    await migrate(config.database);
    const db = await openControlDb(config.database);
    await registerHost(db, config.hostId as HostId, 'process');
    const box = new SecretBox(loadOrCreateSecretKey(config.dataDir));
    const runtime = new ProcessRuntime({ rootDir: config.instancesDir, tenantBin: config.tenantBin });
    const producerRedis = producerConnection(redis.url);
    await new Promise<void>((resolve) => producerRedis.once('ready', () => resolve()));
    return new WorkerFixture(config, db, box, runtime, redis, producerRedis, new JobProducer(producerRedis, new JobRunStore(db)));
  }

  /** Inserts an owner (bcrypt hash of a random password) and an instance `provisioning`. */
  async createInstance(opts: { power?: 'on' | 'off' } = {}): Promise<TestInstance> {
    const now = new Date();
    const ownerId = newId<UserId>();
    const id = newId<ControlInstanceId>();
    const name = `t-${id.slice(0, 8)}`;
    const email = `${name}@example.com`;
    const password = randomBytes(9).toString('base64url');
    // Cost 4 keeps the test fast; the tenant verifies any cost.
    const passwordHash = await bcrypt.hash(password, 4);
    await this.db.user.create({ data: { id: ownerId, email, passwordHash, passwordChangedAt: now, createdAt: now, updatedAt: now } });
    await this.db.instance.create({
      data: {
        id, ownerId, hostId: this.config.hostId, name, status: 'provisioning', power: opts.power ?? 'on',
        platformKey: this.box.seal(randomBytes(32).toString('hex')), createdAt: now, updatedAt: now,
      },
    });
    this.created.push(id);
    return { id, name, email, password, ownerId };
  }

  /** Queues a job as the api would; returns its run id. */
  enqueue<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<string> {
    return this.producer.enqueue(name, payload, this.config.hostId);
  }

  /** How many clients Redis has connected (to see that a worker released its connections). */
  async redisClients(): Promise<number> {
    const list = (await this.producerRedis.client('LIST')) as string;
    return list.split('\n').filter((line) => line.trim() !== '').length;
  }

  /** Polls the run until it is completed or failed (bounded). */
  async finishedRun(runId: string, timeoutMs = 20_000): Promise<JobRun> {
    return this.until(() => this.db.jobRun.findUnique({ where: { id: runId } }), (r) => r?.state === 'completed' || r?.state === 'failed', timeoutMs, `run ${runId} to finish`);
  }

  /** Polls `read` until `done` holds, or fails after `timeoutMs`. */
  async until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string): Promise<NonNullable<T>> {
    const deadline = Date.now() + timeoutMs;
    let value = await read();
    while (!done(value)) {
      if (Date.now() > deadline) assertFail(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(value)}`);
      await delay(50);
      value = await read();
    }
    return value as NonNullable<T>;
  }

  /** The tenant's data dir (the process runtime's layout). */
  dataDir(id: ControlInstanceId): string {
    return join(this.config.instancesDir, id, 'data');
  }

  /** The pid the runtime recorded for the instance, or undefined. */
  recordedPid(id: ControlInstanceId): number | undefined {
    return this.pidRecord(id)?.pid;
  }

  /**
   * The tenant's base URL as the runtime recorded it. Read from the pid file rather than
   * through `runtime.status()`: a runtime that adopted a process keeps reporting it until its
   * liveness poll notices that another runtime (the worker's) replaced it.
   */
  recordedUrl(id: ControlInstanceId): string {
    const rec = this.pidRecord(id);
    if (!rec) throw new Error(`instance ${id} has no pid file`);
    return `http://${rec.host}:${rec.port}`;
  }

  private pidRecord(id: ControlInstanceId): { pid: number; host: string; port: number } | undefined {
    try {
      return JSON.parse(readFileSync(join(this.config.instancesDir, id, 'runtime', 'pid.json'), 'utf8')) as { pid: number; host: string; port: number };
    } catch {
      return undefined;
    }
  }

  /**
   * Pids of live tenant processes of this instance: `burrow-tenant serve` on its data dir, or
   * a warm `standby` assigned to it (its argv names no instance; its working directory does).
   */
  tenantPids(id: ControlInstanceId): number[] {
    const dir = this.dataDir(id);
    const instanceDir = join(this.config.instancesDir, id);
    const pids: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
        const served = argv.includes('serve') && argv.includes(dir);
        if (served || (argv.includes('standby') && readlinkSync(`/proc/${entry}/cwd`) === instanceDir)) pids.push(Number(entry));
      } catch {
        // The process ended while we looked.
      }
    }
    return pids;
  }

  /** Stops and removes every tenant the tests created, then Redis, the DB and the temp dir. */
  async stop(): Promise<void> {
    for (const id of this.created) await this.runtime.remove(parseInstanceId(id)).catch(() => undefined);
    await this.runtime.close();
    await this.producer.close();
    this.producerRedis.disconnect();
    await this.db.$disconnect();
    // @burrow/testing unref's the redis-server child, so waiting for its exit alone would let the
    // event loop run dry first (node:test then reports a pending promise); hold it open meanwhile.
    const keepAlive = setInterval(() => undefined, 1_000);
    try {
      await this.redis.stop();
    } finally {
      clearInterval(keepAlive);
    }
    rmSync(this.config.dataDir, { recursive: true, force: true });
  }
}

function assertFail(message: string): never {
  throw new Error(message);
}
