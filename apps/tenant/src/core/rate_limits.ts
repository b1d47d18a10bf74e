/**
 * Rate limits as PocketBase applies them (settings `rateLimits`): a request's labels are
 * tried in order against the rules (exact label, or for the first label a rule ending in
 * "/" that prefixes it), restricted to the audiences that fit the caller (`""` all,
 * `@guest`, `@auth`). Each matched rule counts per client IP in fixed windows of
 * `duration` seconds with at most `maxRequests`. Limiters are dropped whenever the
 * settings change; idle clients are swept by the `__pbRateLimitersCleanup__` cron job.
 */
import { isIP } from 'node:net';
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

/** Whether `ip` is one of the IPs or inside one of the CIDR subnets. */
export function ipInList(list: readonly string[], ip: string): boolean {
  if (!ip || isIP(ip) === 0) return false;
  for (const item of list) {
    const [base, bits] = item.split('/');
    if (bits === undefined) {
      if (base === ip) return true;
      continue;
    }
    if (isIP(base) === 4 && isIP(ip) === 4) {
      const n = Number(bits);
      const toInt = (a: string) => a.split('.').reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
      const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
      if ((toInt(base) & mask) === (toInt(ip) & mask)) return true;
    } else if (isIP(base) === 6 && isIP(ip) === 6 && Number(bits) === 128 && base === ip) {
      return true;
    }
  }
  return false;
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
