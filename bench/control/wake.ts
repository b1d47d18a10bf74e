/**
 * Part 2: wake from sleep -> first byte. With a stack whose IDLE_TIMEOUT is 1 s, every sample
 * starts with all instances asleep (api status `sleeping`, pid file gone), then sends one
 * `GET /api/health` through the proxy on a new connection and stops the clock at the
 * response's 'response' event (status line and headers received). Samples cycle over the
 * instances.
 */
import { request } from 'node:http';
import type { InstanceView, Platform } from './platform.js';

/** One wake's timing. */
export interface WakeSample {
  name: string;
  /** Request sent -> response headers received (ms). */
  firstByteMs: number;
  status: number;
  /** Request sent -> tenant spawned (pid.json startedAt, wall clock, ms resolution). */
  toSpawnMs: number;
}

/** What the proxy's own wake histogram says (runtime.start, i.e. spawn -> healthy). */
export interface ProxyWakeStats {
  count: number;
  meanMs: number;
}

/** Takes `samples` wake timings over `instances` (which must already exist). */
export async function measureWakes(p: Platform, instances: InstanceView[], samples: number): Promise<WakeSample[]> {
  const out: WakeSample[] = [];
  // The proxy only sweeps instances it has seen a request for (apps/proxy README, "Not done
  // yet"): a freshly provisioned instance never sleeps until one request passes through.
  for (const inst of instances) {
    const { status } = await timeFirstByte(p.proxyPort, p.hostHeader(inst.name), '/api/health');
    if (status !== 200) throw new Error(`${inst.name} answered ${status} through the proxy`);
  }
  for (let i = 0; i < samples; i++) {
    const inst = instances[i % instances.length];
    await Promise.all(instances.map((x) => p.waitAsleep(x.id)));
    const wall0 = Date.now();
    const { firstByteMs, status } = await timeFirstByte(p.proxyPort, p.hostHeader(inst.name), '/api/health');
    if (status !== 200) throw new Error(`wake of ${inst.name} answered ${status}\n${p.lines.slice(-20).join('\n')}`);
    const spawned = p.pidFile(inst.id);
    const toSpawnMs = spawned ? Date.parse(spawned.startedAt) - wall0 : Number.NaN;
    out.push({ name: inst.name, firstByteMs, status, toSpawnMs });
    console.log(`   wake ${i + 1}/${samples} ${inst.name}: ${Math.round(firstByteMs)} ms to first byte (spawn at +${Math.round(toSpawnMs)} ms)`);
  }
  return out;
}

/** One GET on a fresh connection; resolves when the body has been read. */
export function timeFirstByte(port: number, host: string, path: string, timeoutMs = 30_000): Promise<{ firstByteMs: number; status: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let firstByteMs = 0;
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { host }, agent: false, timeout: timeoutMs }, (res) => {
      firstByteMs = performance.now() - t0;
      res.resume();
      res.on('end', () => resolve({ firstByteMs, status: res.statusCode ?? 0 }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Reads `burrow_proxy_wake_seconds` sum/count from the proxy's /metrics (bare host). */
export async function proxyWakeStats(proxyPort: number): Promise<ProxyWakeStats | undefined> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${proxyPort}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    const sum = /^burrow_proxy_wake_seconds_sum(?:\{[^}]*\})? ([\d.e+-]+)$/m.exec(text);
    const count = /^burrow_proxy_wake_seconds_count(?:\{[^}]*\})? ([\d.e+-]+)$/m.exec(text);
    if (!sum || !count || Number(count[1]) === 0) return undefined;
    return { count: Number(count[1]), meanMs: (Number(sum[1]) / Number(count[1])) * 1000 };
  } catch {
    return undefined;
  }
}
