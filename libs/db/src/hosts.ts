/** The host record of the machine a process runs on. */
import type { ControlDb } from './client.js';
import type { HostId } from './ids.js';

/** Creates or refreshes this machine's host row (every platform process calls it at boot). */
export async function registerHost(db: ControlDb, hostId: HostId, runtime: string): Promise<void> {
  const now = new Date();
  await db.host.upsert({
    where: { id: hostId },
    create: { id: hostId, name: hostId, runtime, createdAt: now, lastSeenAt: now },
    update: { runtime, lastSeenAt: now },
  });
}
