/** The list() of every driver: the status of each id, in order, without the absent ones. */
import type { InstanceId } from './instance_id.js';
import type { RuntimeInstance, RuntimeStatus } from './types.js';

/** Statuses of `ids` (sorted), leaving out the absent. */
export async function listPresent(ids: Iterable<InstanceId>, status: (id: InstanceId) => Promise<RuntimeStatus>): Promise<RuntimeInstance[]> {
  const out: RuntimeInstance[] = [];
  for (const id of [...ids].sort()) {
    const s = await status(id);
    if (s.state !== 'absent') out.push({ id, ...s });
  }
  return out;
}
