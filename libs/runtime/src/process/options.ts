/** Options of the process driver and their defaults. */
import { resolve } from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import { RuntimeError } from '../errors.js';
import { DEFAULT_BASE_ENV } from './env.js';
import { pickFreePort } from './ports.js';
import { spawn } from 'node:child_process';
import type { SpawnFn } from './spawn_tenant.js';

/** Most warm processes one runtime keeps (each holds a loaded, warmed-up tenant: ~60 MiB RSS). */
const MAX_STANDBY = 16;

/** What `new ProcessRuntime(...)` takes; only rootDir and tenantBin are required. */
export interface ProcessRuntimeOptions {
  /** Directory holding one `<id>/` folder per instance (e.g. `./data/instances`). */
  rootDir: string;
  /** The tenant CLI entry (`apps/tenant/bin/burrow-tenant.mjs`). */
  tenantBin: string;
  /** Node binary that runs it (default: the current one). */
  nodePath?: string;
  /** Loopback address tenants listen on (default 127.0.0.1; only 127.0.0.0/8 is accepted). */
  host?: string;
  /** How long a start waits for `GET /api/health` = 200 (default 30 000 ms). */
  healthTimeoutMs?: number;
  /** Crash restart delay: initialMs doubling per recent crash up to maxMs (default 500 / 30 000). */
  backoff?: { initialMs: number; maxMs: number };
  /** `count` crashes within `windowMs` mark the instance failed (default 5 in 60 000 ms). */
  maxCrashes?: { count: number; windowMs: number };
  /** Time source (default: the system clock). */
  clock?: Clock;
  /** Environment every tenant starts from, before HOME and its own env (default: PATH, NODE_ENV, LANG). */
  baseEnv?: Record<string, string>;
  /** How often adopted processes are checked for liveness (default 1 000 ms). */
  livenessPollMs?: number;
  /** How often a log follow looks for new lines (default 200 ms). */
  logPollMs?: number;
  /** Default SIGTERM grace of stop() (default 10 000 ms). */
  graceMs?: number;
  /** A log bigger than this is rotated to `tenant.log.1` at the next spawn (default 8 MiB). */
  maxLogBytes?: number;
  /** Picks a free port (tests replace it to provoke a port race). */
  pickPort?: (host: string) => Promise<number>;
  /** Spawns the tenant (tests wrap it to count spawns). */
  spawn?: SpawnFn;
  /**
   * Warm `burrow-tenant standby` processes kept ready (default 0: every start spawns). A start
   * takes one instead of spawning, which saves Node's start and the loading of the tenant's code.
   */
  standby?: number;
  /** The LiteFS binary replicated instances run under (absent: a spec with `litefs` is refused). */
  litefsBin?: string;
}

/** The options with every default filled in. */
export type ResolvedProcessOptions = Required<Omit<ProcessRuntimeOptions, 'litefsBin'>> & { litefsBin: string | undefined };

/** Fills in defaults and checks the values; throws RuntimeError `invalid_spec` on bad ones. */
export function resolveProcessOptions(opts: ProcessRuntimeOptions): ResolvedProcessOptions {
  const host = opts.host ?? '127.0.0.1';
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) {
    throw new RuntimeError('invalid_spec', `host must be an IPv4 loopback address, got ${JSON.stringify(host)}`);
  }
  const resolved: ResolvedProcessOptions = {
    rootDir: resolve(opts.rootDir),
    tenantBin: resolve(opts.tenantBin),
    nodePath: opts.nodePath ?? process.execPath,
    host,
    healthTimeoutMs: opts.healthTimeoutMs ?? 30_000,
    backoff: opts.backoff ?? { initialMs: 500, maxMs: 30_000 },
    maxCrashes: opts.maxCrashes ?? { count: 5, windowMs: 60_000 },
    clock: opts.clock ?? systemClock,
    baseEnv: { ...(opts.baseEnv ?? DEFAULT_BASE_ENV) },
    livenessPollMs: opts.livenessPollMs ?? 1_000,
    logPollMs: opts.logPollMs ?? 200,
    graceMs: opts.graceMs ?? 10_000,
    maxLogBytes: opts.maxLogBytes ?? 8 * 1024 * 1024,
    pickPort: opts.pickPort ?? pickFreePort,
    spawn: opts.spawn ?? ((command, args, options) => spawn(command, args, options)),
    standby: opts.standby ?? 0,
    litefsBin: opts.litefsBin,
  };
  const positive = [
    resolved.healthTimeoutMs, resolved.backoff.initialMs, resolved.backoff.maxMs, resolved.maxCrashes.count,
    resolved.maxCrashes.windowMs, resolved.livenessPollMs, resolved.logPollMs, resolved.maxLogBytes,
  ];
  if (!positive.every((n) => Number.isFinite(n) && n > 0) || !(resolved.graceMs >= 0)) {
    throw new RuntimeError('invalid_spec', 'process runtime timings and limits must be positive numbers');
  }
  if (!Number.isInteger(resolved.standby) || resolved.standby < 0 || resolved.standby > MAX_STANDBY) {
    throw new RuntimeError('invalid_spec', `standby must be an integer from 0 to ${MAX_STANDBY}`);
  }
  return resolved;
}
