/** A migrated SQLite control DB in a temp dir, with rows shaped as the api and worker write them. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstanceStatus } from '@burrow/contracts';
import { SecretBox, migrate, newId, openControlDb, type ControlDb, type ControlInstanceId, type DatabaseTarget, type HostId, type UserId } from '@burrow/db';

/** One temp control DB: its files, a client, the secrets key, and one owner and host to hang instances on. */
export interface TestControlDb {
  /** Temp dir holding `control.db` (use it as DATA_DIR). */
  dir: string;
  /** The SQLite target (`<dir>/control.db`). */
  target: DatabaseTarget;
  /** A client of its own, as the api or worker would hold. */
  db: ControlDb;
  /** The secrets key (pass it as SECRETS_KEY). */
  key: Buffer;
  /** Seals with `key`. */
  box: SecretBox;
  /** Owner of every instance added. */
  ownerId: UserId;
  /** Host of every instance added. */
  hostId: HostId;
  /** Inserts an instance with a sealed platform key and sealed secrets; resolves its id. */
  addInstance(name: string, status: InstanceStatus, secrets?: Record<string, string>): Promise<ControlInstanceId>;
  /** The status column of an instance, read straight from the DB. */
  statusOf(id: ControlInstanceId): Promise<string | undefined>;
  /** Writes a status as the api or worker would (no transition check). */
  setStatus(id: ControlInstanceId, status: InstanceStatus): Promise<void>;
  /** Disconnects and deletes the files. */
  cleanup(): Promise<void>;
}

/** Creates the temp dir, migrates `control.db` there, and seeds one user and one host. */
export async function testControlDb(): Promise<TestControlDb> {
  const dir = await mkdtemp(join(tmpdir(), 'burrow-proxy-db-'));
  const target: DatabaseTarget = { kind: 'sqlite', file: join(dir, 'control.db') };
  await migrate(target);
  const db = await openControlDb(target);
  const key = randomBytes(32);
  const box = new SecretBox(key);
  const now = new Date();
  const ownerId = newId<UserId>();
  const hostId = 'local' as HostId;
  await db.user.create({ data: { id: ownerId, email: 'owner@example.com', passwordHash: 'h', passwordChangedAt: now, createdAt: now, updatedAt: now } });
  await db.host.create({ data: { id: hostId, name: 'local', runtime: 'process', createdAt: now, lastSeenAt: now } });
  return {
    dir,
    target,
    db,
    key,
    box,
    ownerId,
    hostId,
    async addInstance(name, status, secrets = {}) {
      const id = newId<ControlInstanceId>();
      const at = new Date();
      await db.instance.create({
        data: {
          id, ownerId, hostId, name, status, power: status === 'stopped' ? 'off' : 'on',
          platformKey: box.seal(`pk-${name}`), createdAt: at, updatedAt: at,
        },
      });
      for (const [secret, value] of Object.entries(secrets)) {
        await db.secret.create({ data: { instanceId: id, name: secret, value: box.seal(value), updatedAt: at } });
      }
      return id;
    },
    async statusOf(id) {
      return (await db.instance.findUnique({ where: { id } }))?.status;
    },
    async setStatus(id, status) {
      await db.instance.update({ where: { id }, data: { status, updatedAt: new Date() } });
    },
    async cleanup() {
      await db.$disconnect();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
