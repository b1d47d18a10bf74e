/**
 * Rate limits as PocketBase applies them (settings `rateLimits`): a request's labels are
 * tried in order against the rules (exact label, or for the first label a rule ending in
 * "/" that prefixes it), restricted to the audiences that fit the caller (`""` all,
 * `@guest`, `@auth`). Each matched rule counts per client IP in fixed windows of
 * `duration` seconds with at most `maxRequests`. Limiters are dropped whenever the
 * settings change; idle clients are swept by the `__pbRateLimitersCleanup__` cron job.
 */
import { BlockList, isIP } from 'node:net';
import type { Settings } from './settings.js';

/** One rule of the settings. */
export type RateLimitRule = Settings['rateLimits']['rules'][number];

const ALL = '';
const GUEST = '@guest';
const AUTH = '@auth';

/** The first rule matching `labels` for the given audiences, as PocketBase's FindRateLimitRule. */
export function findRateLimitRule(rules: readonly RateLimitRule[], labels: readonly string[], audiences: readonly string[]): RateLimitRule | undefined {
  const fits = (r: RateLimitRule) => audiences.includes(r.audience);
  const prefixRules = rules.filter((r) => r.label.endsWith('/'));
  for (let i = 0; i < labels.length; i++) {
    const exact = rules.find((r) => r.label === labels[i] && fits(r));
    if (exact) return exact;
    if (i === 0) {
      const prefix = prefixRules.find((r) => `${labels[i]}/`.startsWith(r.label) && fits(r));
      if (prefix) return prefix;
    }
  }
  return undefined;
}

/** Audiences a caller belongs to. */
export const audiencesOf = (authenticated: boolean): string[] => (authenticated ? [ALL, AUTH] : [ALL, GUEST]);

/** Whether `ip` is one of the IPs or inside one of the CIDR subnets (IPv4 and IPv6). */
export function ipInList(list: readonly string[], ip: string): boolean {
  const family = isIP(ip);
  if (!ip || family === 0 || list.length === 0) return false;
  const block = new BlockList();
  for (const item of list) {
    const [base, bits] = item.split('/');
    const baseFamily = isIP(base);
    if (baseFamily === 0) continue;
    const type = baseFamily === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) block.addAddress(base, type);
    else if (/^\d+$/.test(bits) && Number(bits) <= (baseFamily === 4 ? 32 : 128)) block.addSubnet(base, Number(bits), type);
  }
  return block.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

interface Window {
  start: number;
  available: number;
}

class Limiter {
  readonly clients = new Map<string, Window>();
  constructor(readonly maxRequests: number, readonly durationSec: number) {}

  consume(key: string, nowSec: number): boolean {
    let w = this.clients.get(key);
    if (!w) {
      w = { start: 0, available: 0 };
      this.clients.set(key, w);
    }
    if (nowSec - w.start >= this.durationSec) {
      w.available = this.maxRequests;
      w.start = nowSec;
    }
    if (w.available > 0) {
      w.available--;
      return true;
    }
    return false;
  }

  sweep(nowSec: number, minIdleSec: number): void {
    for (const [k, w] of this.clients) if (nowSec - (w.start + this.durationSec) > minIdleSec) this.clients.delete(k);
  }
}

/** The limiters of one tenant, keyed by rule usage (e.g. collection + route + tags + audience). */
export class RateLimiters {
  private readonly limiters = new Map<string, Limiter>();
  private settingsSeen: unknown;

  constructor(private readonly nowMs: () => number = Date.now) {}

  /** Counts one request of `clientKey` against `rule` under `limiterId`; false when over the limit. */
  allow(limiterId: string, rule: RateLimitRule, clientKey: string, settingsVersion: unknown): boolean {
    if (settingsVersion !== this.settingsSeen) {
      this.limiters.clear();
      this.settingsSeen = settingsVersion;
    }
    let l = this.limiters.get(limiterId);
    if (!l) {
      l = new Limiter(rule.maxRequests, rule.duration);
      this.limiters.set(limiterId, l);
    }
    return l.consume(clientKey, Math.floor(this.nowMs() / 1000));
  }

  /** Whether any limiter was used since the last settings change. */
  get used(): boolean {
    return this.limiters.size > 0;
  }

  /** Forgets clients idle for more than 30 minutes past their window. */
  sweep(): void {
    const now = Math.floor(this.nowMs() / 1000);
    for (const l of this.limiters.values()) l.sweep(now, 1800);
  }
}
