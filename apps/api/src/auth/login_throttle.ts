/**
 * Login throttling in the control DB (shared by every api replica, independent of Redis):
 * failures are counted per IP and per account in a fixed window; past the limit the key is
 * locked until the window ends and logins answer 429 with Retry-After.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { ControlDb } from '@burrow/db';
import { CLOCK, DB, type Clock } from '../common/tokens.js';

/** Limits per key kind. */
export const THROTTLE_LIMITS = {
  ip: { failures: 20, windowMs: 15 * 60_000 },
  account: { failures: 5, windowMs: 15 * 60_000 },
} as const;

/** Counts failures and tells when a key is locked. */
@Injectable()
export class LoginThrottle {
  constructor(@Inject(DB) private readonly db: ControlDb, @Inject(CLOCK) private readonly now: Clock) {}

  /** Seconds until the first locked key unlocks, or 0 when none of them is locked. */
  async lockedFor(keys: Array<{ kind: keyof typeof THROTTLE_LIMITS; value: string }>): Promise<number> {
    const rows = await this.db.loginThrottle.findMany({ where: { key: { in: keys.map(keyOf) } } });
    const now = this.now().getTime();
    let wait = 0;
    for (const r of rows) if (r.lockedUntil && r.lockedUntil.getTime() > now) wait = Math.max(wait, (r.lockedUntil.getTime() - now) / 1000);
    return wait;
  }

  /** Records one failed login against each key. */
  async fail(keys: Array<{ kind: keyof typeof THROTTLE_LIMITS; value: string }>): Promise<void> {
    const now = this.now();
    for (const k of keys) {
      const limit = THROTTLE_LIMITS[k.kind];
      const key = keyOf(k);
      const row = await this.db.loginThrottle.findUnique({ where: { key } });
      const fresh = !row || now.getTime() - row.windowStart.getTime() > limit.windowMs;
      const failures = fresh ? 1 : row.failures + 1;
      const windowStart = fresh ? now : row.windowStart;
      const lockedUntil = failures >= limit.failures ? new Date(windowStart.getTime() + limit.windowMs) : null;
      await this.db.loginThrottle.upsert({ where: { key }, create: { key, failures, windowStart, lockedUntil }, update: { failures, windowStart, lockedUntil } });
    }
  }

  /** A successful login clears the account's counter (not the IP's: one good password must not reset a spray). */
  async succeed(account: string): Promise<void> {
    await this.db.loginThrottle.deleteMany({ where: { key: keyOf({ kind: 'account', value: account }) } });
  }
}

function keyOf(k: { kind: string; value: string }): string {
  return `${k.kind}:${k.value}`;
}
