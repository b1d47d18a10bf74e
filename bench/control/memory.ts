/**
 * Part 4: memory. VmRSS (/proc/<pid>/status) of idle running tenants after they served a few
 * requests and sat idle 2 s; how many such tenants fit in 4 GiB; and the RSS of the
 * platform's own processes (api, worker, proxy: the stack's `pid(role)`).
 */
import type { InstanceView, Platform } from './platform.js';
import { rssMiB } from './platform.js';
import { median } from './stats.js';

/** Memory figures, MiB. */
export interface MemoryResult {
  tenants: Array<{ name: string; pid: number; rssMiB: number }>;
  medianTenantMiB: number;
  /** floor(4096 / median tenant RSS). */
  fitIn4GiB: number;
  roles: Record<'api' | 'worker' | 'proxy', number | undefined>;
}

const REQUESTS_PER_TENANT = ['/api/health', '/api/collections/_superusers/auth-methods', '/api/collections/users/records', '/api/health', '/api/settings'];

/** Sends a few requests through the proxy to each instance, waits 2 s, reads every RSS. */
export async function measureMemory(p: Platform, instances: InstanceView[], idleMs = 2_000): Promise<MemoryResult> {
  for (const inst of instances) {
    for (const path of REQUESTS_PER_TENANT) {
      const res = await fetch(p.instanceUrl(inst.name) + path, { signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer(); // 200/401/403 alike: the point is a tenant that has served requests
    }
  }
  await new Promise((r) => setTimeout(r, idleMs));
  const tenants: MemoryResult['tenants'] = [];
  for (const inst of instances) {
    const pf = p.pidFile(inst.id);
    const rss = pf ? rssMiB(pf.pid) : undefined;
    if (!pf || rss === undefined) throw new Error(`tenant of ${inst.name} is not running`);
    tenants.push({ name: inst.name, pid: pf.pid, rssMiB: rss });
  }
  const med = median(tenants.map((t) => t.rssMiB));
  const role = (r: 'api' | 'worker' | 'proxy') => {
    const pid = p.stack.pid(r);
    return pid ? rssMiB(pid) : undefined;
  };
  return {
    tenants,
    medianTenantMiB: med,
    fitIn4GiB: Math.floor(4096 / med),
    roles: { api: role('api'), worker: role('worker'), proxy: role('proxy') },
  };
}
