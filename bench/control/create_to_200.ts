/**
 * Part 1: create -> first 200 on the subdomain. Instances are created one after the other,
 * either `gapMs` apart (paced: a new create finds the platform idle, as a user's create does)
 * or back to back (burst: each create competes with the previous one's aftermath, e.g. the
 * warm pool's refill, on the same cores). For each, the clock runs from just before `POST /api/instances` until
 * `GET http://<name>.localhost:<port>/api/health` through the proxy first answers 200
 * (polled every 5 ms, each poll bounded). The tenant's spawn time from its pid file splits
 * the total into "before the spawn" (api, queue, job pickup, data dir, admin sync) and
 * "spawn -> 200" (tenant boot, the runtime's/worker's health polls, status write, proxy).
 */
import type { Platform } from './platform.js';

/** One instance's timings (ms). */
export interface CreateSample {
  name: string;
  id: string;
  /** POST sent -> first 200 through the proxy. */
  totalMs: number;
  /** POST sent -> 202 received. */
  postMs: number;
  /** POST sent -> tenant spawned (pid.json startedAt; wall clock, ms resolution). */
  toSpawnMs: number;
  /** Polls answered before the 200, by status code. */
  polls: Record<string, number>;
}

const POLL_MS = 5;
const POLL_TIMEOUT_MS = 2_000;
const CREATE_TIMEOUT_MS = 30_000;

/** Creates `count` instances named `<prefix>-NN`, one after the other, `gapMs` apart (0: back to back). */
export async function measureCreateTo200(p: Platform, count: number, prefix: string, gapMs: number): Promise<CreateSample[]> {
  const samples: CreateSample[] = [];
  for (let i = 0; i < count; i++) {
    if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    const name = `${prefix}-${String(i + 1).padStart(2, '0')}`;
    const wall0 = Date.now();
    const t0 = performance.now();
    const created = await p.create(name);
    const postMs = performance.now() - t0;
    const polls: Record<string, number> = {};
    const url = `${p.instanceUrl(name)}/api/health`;
    let totalMs: number | undefined;
    while (totalMs === undefined) {
      let status = 'error';
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(POLL_TIMEOUT_MS) });
        await res.arrayBuffer();
        status = String(res.status);
        if (res.status === 200) totalMs = performance.now() - t0;
      } catch {
        // connection error or poll timeout: counted, then polled again
      }
      polls[status] = (polls[status] ?? 0) + 1;
      if (totalMs !== undefined) break;
      if (performance.now() - t0 > CREATE_TIMEOUT_MS) {
        throw new Error(`${name}: no 200 within ${CREATE_TIMEOUT_MS} ms (polls ${JSON.stringify(polls)})\n${p.lines.slice(-20).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    const spawned = p.pidFile(created.id);
    const startedAt = spawned ? Date.parse(spawned.startedAt) : Number.NaN;
    const sample: CreateSample = { name, id: created.id, totalMs, postMs, toSpawnMs: startedAt - wall0, polls };
    samples.push(sample);
    console.log(
      `   ${name}: ${Math.round(totalMs)} ms (POST ${Math.round(postMs)} ms, spawn at +${Math.round(sample.toSpawnMs)} ms, ` +
        `polls ${Object.entries(polls).map(([s, n]) => `${s}x${n}`).join(' ')})`,
    );
  }
  return samples;
}
