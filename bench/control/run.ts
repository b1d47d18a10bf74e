/**
 * Control-plane benchmark (issue 3): create -> first 200, wake -> first byte, proxy overhead
 * on getOne (direct / Burrow's proxy / nginx), memory per tenant.
 *
 *   npm run bench:control
 *   TSX_TSCONFIG_PATH=tsconfig.tsx.json node --import tsx bench/control/run.ts
 *        [--instances 20] [--wakes 20] [--wake-instances 4] [--connections 10]
 *        [--duration 10] [--warmup 2] [--rounds 2]
 *
 * Starts the whole platform (scripts/stack.mjs: own Redis, api, worker, proxy) twice on free
 * 127.0.0.1 ports with temp data dirs: once with a long IDLE_TIMEOUT (parts 1, 4, 3), once
 * with IDLE_TIMEOUT=1 (part 2). Deletes its instances through the api and stops every process
 * it started; a watchdog bounds the run. Prints a markdown table and writes results.md.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveLocalhostSubdomains } from '@burrow/testing';
import { measureCreateTo200 } from './create_to_200.js';
import { measureMemory } from './memory.js';
import { NGINX_BIN, NGINX_INSTALL_HINT, NGINX_WORKERS, startNginx, type NginxHandle } from './nginx.js';
import { withChildren } from './cpu.js';
import { load, preflight, seedOne, type LoadSettings, type Target } from './overhead.js';
import { Platform, type InstanceView } from './platform.js';
import { renderResults, writeResults, type Results } from './report.js';
import { measureTenantStartup } from './tenant_startup.js';
import { measureWakes, proxyWakeStats } from './wake.js';

const RESULTS_PATH = fileURLToPath(new URL('./results.md', import.meta.url));
/** Hard bound of the whole run; past it the watchdog cleans up and exits 2. */
const WATCHDOG_MS = 8 * 60_000;
/** A second load round only starts if the run is younger than this (keeps it near 4 minutes). */
const SECOND_ROUND_BEFORE_SEC = 130;

function parseCli(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      instances: { type: 'string', default: '20' },
      'create-gap': { type: 'string', default: '1500' },
      burst: { type: 'string', default: '5' },
      wakes: { type: 'string', default: '20' },
      'wake-instances': { type: 'string', default: '4' },
      connections: { type: 'string', default: '10' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '2' },
    },
  });
  const num = (name: keyof typeof values, min: number, max: number) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in ${min}..${max}`);
    return n;
  };
  return {
    instances: num('instances', 6, 50),
    createGapMs: num('create-gap', 0, 10_000),
    burst: num('burst', 0, 20),
    wakes: num('wakes', 1, 50),
    wakeInstances: num('wake-instances', 1, 10),
    load: { connections: num('connections', 1, 200), durationSec: num('duration', 1, 60), warmupSec: num('warmup', 0, 10) } as LoadSettings,
    rounds: num('rounds', 1, 3),
  };
}

const msg = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function main(): Promise<void> {
  const opts = parseCli(process.argv.slice(2));
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const log = (line: string) => console.log(`[${elapsed().toFixed(0).padStart(3)} s] ${line}`);
  resolveLocalhostSubdomains();

  const results: Results = {
    command: ['npm run bench:control', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    loadSettings: opts.load,
    nginxWorkers: NGINX_WORKERS,
    elapsedSec: 0,
  };
  const open = new Set<Platform>();
  let nginx: NginxHandle | undefined;
  const cleanup = async () => {
    await nginx?.stop().catch(() => undefined);
    for (const p of open) await p.close().catch((err) => console.error(`cleanup: ${msg(err)}`));
  };
  let cleaningUp = false;
  const abort = (why: string, code: number) => {
    if (cleaningUp) return;
    cleaningUp = true;
    console.error(why);
    const hard = setTimeout(() => {
      for (const p of open) p.killTenants();
      process.exit(code);
    }, 45_000);
    hard.unref();
    void cleanup().finally(() => process.exit(code));
  };
  const watchdog = setTimeout(() => abort(`benchmark exceeded ${WATCHDOG_MS / 1000} s; cleaning up`, 2), WATCHDOG_MS);
  watchdog.unref();
  process.once('SIGINT', () => abort('interrupted; cleaning up', 130));

  // Diagnostic first, on a quiet machine: the tenant's own boot time.
  log('tenant boot alone: 1 first boot + 5 reboots, 5 bare node starts');
  try {
    results.startup = await measureTenantStartup(5, 5);
  } catch (err) {
    results.startupError = msg(err);
    log(`   failed: ${results.startupError}`);
  }

  // Stack A: long IDLE_TIMEOUT for parts 1, 4 and 3.
  log('starting stack A (IDLE_TIMEOUT=3600)');
  const a = await Platform.start(3600);
  open.add(a);
  try {
    log(`part 1: create -> first 200, ${opts.instances} instances one after the other, ${opts.createGapMs} ms apart, then ${opts.burst} back to back`);
    let created: InstanceView[] = [];
    try {
      const samples = await measureCreateTo200(a, opts.instances, 'cr', opts.createGapMs);
      results.create = samples;
      results.createGapMs = opts.createGapMs;
      created = samples.map((s) => ({ id: s.id, name: s.name, status: 'running' }));
      if (opts.burst > 0) {
        const burst = await measureCreateTo200(a, opts.burst, 'cb', 0);
        results.createBurst = burst;
        created.push(...burst.map((s) => ({ id: s.id, name: s.name, status: 'running' as const })));
      }
    } catch (err) {
      results.createError = msg(err);
      log(`   failed: ${results.createError}`);
    }

    if (created.length >= 6) {
      log('part 4: memory of 5 idle tenants and of the platform processes');
      try {
        results.memory = await measureMemory(a, created.slice(0, 5));
        const m = results.memory;
        log(`   tenants ${m.tenants.map((t) => t.rssMiB.toFixed(1)).join(', ')} MiB; median ${m.medianTenantMiB.toFixed(1)} MiB -> ${m.fitIn4GiB} in 4 GiB`);
        log(`   api ${m.roles.api?.toFixed(1)} / worker ${m.roles.worker?.toFixed(1)} / proxy ${m.roles.proxy?.toFixed(1)} MiB`);
      } catch (err) {
        results.memoryError = msg(err);
        log(`   failed: ${results.memoryError}`);
      }

      const target = created[5];
      log(`deleting the other ${created.length - 1} instances through the api before the load`);
      await a.deleteInstances(created.filter((c) => c !== target).map((c) => c.id));

      log(`part 3: proxy overhead on getOne against ${target.name}`);
      try {
        const seeded = await seedOne(a, target.name);
        const pf = a.pidFile(target.id);
        if (!pf) throw new Error(`tenant of ${target.name} is not running`);
        const tenant = [pf.pid];
        const direct: Target = { via: 'direct', url: `http://127.0.0.1:${pf.port}`, cpu: { tenant, proxy: [] } };
        const proxyPid = a.pid('proxy');
        const proxy: Target = {
          via: 'burrow proxy',
          url: `http://127.0.0.1:${a.proxyPort}`,
          headers: { host: a.hostHeader(target.name) },
          cpu: { tenant, proxy: proxyPid === undefined ? [] : [proxyPid] },
        };
        if (!NGINX_BIN) {
          results.nginxSkipped = NGINX_INSTALL_HINT;
          log(`   ${NGINX_INSTALL_HINT}`);
        } else {
          nginx = await startNginx(pf.port);
        }
        const nginxTarget: Target | undefined = nginx
          ? { via: 'nginx', url: `http://127.0.0.1:${nginx.port}`, cpu: { tenant, proxy: withChildren(nginx.pid) } }
          : undefined;
        const targets = [direct, proxy, ...(nginxTarget ? [nginxTarget] : [])];
        for (const t of targets) await preflight(t, seeded.path);
        results.load = [];
        for (let round = 1; round <= opts.rounds; round++) {
          if (round > 1 && elapsed() > SECOND_ROUND_BEFORE_SEC) {
            log(`   skipping load run ${round}: ${elapsed().toFixed(0)} s elapsed (keeps the run near 4 minutes)`);
            break;
          }
          // Alternate the order between runs so a tenant warming up over time favours no column.
          const order = round % 2 === 1 ? targets : [...targets].reverse();
          for (const t of order) {
            log(`   run ${round}: ${t.via} (${opts.load.connections} connections, ${opts.load.warmupSec} s warm-up + ${opts.load.durationSec} s)`);
            const r = await load(t, seeded.path, opts.load, round);
            results.load.push(r);
            log(`      ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.failures} failed; CPU µs/request: tenant ${Math.round(r.tenantCpuUs)}, proxy ${Math.round(r.proxyCpuUs)}`);
          }
        }
      } catch (err) {
        results.loadError = msg(err);
        log(`   failed: ${results.loadError}`);
      } finally {
        if (nginx) results.nginxLog = nginx.errorLog();
        await nginx?.stop();
        nginx = undefined;
      }
    }
  } finally {
    log('stopping stack A (deleting its instances first)');
    await a.close();
    open.delete(a);
  }

  // Stack B: IDLE_TIMEOUT=1 for part 2.
  log('starting stack B (IDLE_TIMEOUT=1)');
  const b = await Platform.start(1);
  open.add(b);
  try {
    log(`part 2: wake -> first byte, ${opts.wakes} samples over ${opts.wakeInstances} instances`);
    const instances: InstanceView[] = [];
    try {
      for (let i = 0; i < opts.wakeInstances; i++) {
        const inst = await b.create(`wk-${String(i + 1).padStart(2, '0')}`);
        await b.waitStatus(inst.id, 'running');
        instances.push(inst);
      }
      results.wakes = await measureWakes(b, instances, opts.wakes);
      results.proxyWake = await proxyWakeStats(b.proxyPort);
    } catch (err) {
      results.wakeError = msg(err);
      log(`   failed: ${results.wakeError}`);
    }
  } finally {
    log('stopping stack B (deleting its instances first)');
    await b.close();
    open.delete(b);
  }
  clearTimeout(watchdog);

  results.elapsedSec = elapsed();
  const text = renderResults(results);
  writeResults(RESULTS_PATH, text);
  console.log(`\n${text}\nwritten to ${RESULTS_PATH}`);
  if (results.createError || results.wakeError || results.loadError || results.memoryError) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
