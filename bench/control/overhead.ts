/**
 * Part 3: proxy overhead on getOne. One instance gets a collection with a public view rule
 * and one record (through the SDK as the admin-synced superuser); then the same autocannon
 * load runs against the tenant directly, through Burrow's proxy (Host header) and through
 * nginx in front of the same tenant.
 */
import { request } from 'node:http';
import autocannon from 'autocannon';
import PocketBase from 'pocketbase';
import { totalMicros } from './cpu.js';
import { Platform } from './platform.js';

/** The three ways to reach the tenant. */
export type Via = 'direct' | 'burrow proxy' | 'nginx';

/** Where to send the load for one column. */
export interface Target {
  via: Via;
  url: string;
  headers?: Record<string, string>;
  /** The processes whose CPU per request is reported: the tenant, and the proxy in between (none direct). */
  cpu: { tenant: number[]; proxy: number[] };
}

/** Load settings shared by every column. */
export interface LoadSettings {
  connections: number;
  durationSec: number;
  warmupSec: number;
}

/** One autocannon run. */
export interface LoadResult {
  via: Via;
  round: number;
  rps: number;
  p50: number;
  p99: number;
  failures: number;
  /** CPU µs per request of the tenant and of the proxy in between (0 direct), over the measured part. */
  tenantCpuUs: number;
  proxyCpuUs: number;
}

/** Collection and record the load reads. */
export interface Seeded {
  path: string;
}

/** Creates `bench_items` (public viewRule) with one record in the instance, through the proxy. */
export async function seedOne(p: Platform, name: string): Promise<Seeded> {
  const pb = new PocketBase(p.instanceUrl(name));
  pb.autoCancellation(false);
  await pb.collection('_superusers').authWithPassword(Platform.credentials.email, Platform.credentials.password);
  await pb.collections.create({
    name: 'bench_items',
    type: 'base',
    listRule: '',
    viewRule: '',
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'score', type: 'number' },
    ],
  });
  const rec = await pb.collection('bench_items').create({ title: 'the one record getOne reads', score: 42 });
  return { path: `/api/collections/bench_items/records/${rec.id}` };
}

/**
 * Fails unless the target answers the path with 200. Sent with node:http, not fetch: fetch
 * does not send a caller's Host header, and the proxy routes by it.
 */
export function preflight(t: Target, path: string): Promise<void> {
  const url = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers: t.headers, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () =>
        res.statusCode === 200 ? resolve() : reject(new Error(`${t.via}: GET ${path} answered ${res.statusCode}: ${body.slice(0, 200)}`)),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`${t.via}: no answer in 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** One autocannon run after a separate warm-up run (so CPU is sampled over the measured part only). */
export async function load(t: Target, path: string, s: LoadSettings, round: number): Promise<LoadResult> {
  const run = (durationSec: number) =>
    autocannon({ url: t.url, connections: s.connections, duration: durationSec, timeout: 10, requests: [{ method: 'GET', path, headers: t.headers }] });
  if (s.warmupSec > 0) await run(s.warmupSec);
  const tenantBefore = totalMicros(t.cpu.tenant);
  const proxyBefore = totalMicros(t.cpu.proxy);
  const r = await run(s.durationSec);
  const n = Math.max(1, r.requests.total);
  return {
    via: t.via,
    round,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    failures: r.non2xx + r.errors + r.timeouts,
    tenantCpuUs: (totalMicros(t.cpu.tenant) - tenantBefore) / n,
    proxyCpuUs: (totalMicros(t.cpu.proxy) - proxyBefore) / n,
  };
}
