/**
 * Diagnostic for parts 1 and 2: how long the tenant itself takes to boot, without the
 * platform. Spawns `node apps/tenant/bin/burrow-tenant.mjs serve` the way the process runtime
 * does (own env with NODE_ENV=production, free loopback port) and times spawn -> first 200
 * on /api/health (polled every 5 ms). The first boot is on an empty data dir (it creates the
 * databases); the rest reuse it, like a wake. Also times a bare `node -e 0` as the floor.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@burrow/testing';
import { timeFirstByte } from './wake.js';

const TENANT_BIN = fileURLToPath(new URL('../../apps/tenant/bin/burrow-tenant.mjs', import.meta.url));

/** Boot timings, ms. */
export interface StartupResult {
  nodeFloorMs: number[];
  firstBootMs: number;
  warmBootMs: number[];
}

/** `warm` reboots on the same dir after one first boot; `floor` bare node starts. */
export async function measureTenantStartup(warm: number, floor: number, bin = TENANT_BIN): Promise<StartupResult> {
  const nodeFloorMs: number[] = [];
  for (let i = 0; i < floor; i++) nodeFloorMs.push(await bareNode());
  const dir = mkdtempSync(join(tmpdir(), 'burrow-bench-boot-'));
  try {
    const firstBootMs = await bootOnce(dir, bin);
    const warmBootMs: number[] = [];
    for (let i = 0; i < warm; i++) warmBootMs.push(await bootOnce(dir, bin));
    return { nodeFloorMs, firstBootMs, warmBootMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function bareNode(): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve(performance.now() - t0));
  });
}

/** Spawn -> /api/health 200, then SIGTERM and wait for the exit. */
async function bootOnce(dir: string, bin: string): Promise<number> {
  const port = await freePort();
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production', LANG: process.env.LANG ?? 'C.UTF-8', HOME: dir };
  const t0 = performance.now();
  const child = spawn(process.execPath, [bin, 'serve', '--http', `127.0.0.1:${port}`, '--dir', join(dir, 'data')], { env, stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`tenant exited with ${child.exitCode} before it answered`);
      if (performance.now() - t0 > 30_000) throw new Error('tenant did not answer /api/health in 30 s');
      try {
        const { status } = await timeFirstByte(port, `127.0.0.1:${port}`, '/api/health', 2_000);
        if (status === 200) return performance.now() - t0;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(kill);
  }
}
