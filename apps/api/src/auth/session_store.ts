/**
 * Console sessions: opaque bearer tokens, stored only as SHA-256, revocable one by one or all
 * at once, expiring after SESSION_TTL_HOURS without use.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { PlatformConfig } from '@burrow/config';
import { newId, type ControlDb, type SessionId, type UserId } from '@burrow/db';
import { CLOCK, CONFIG, DB, type Clock } from '../common/tokens.js';
import type { AuthContext } from './auth_context.js';

/** Prefix that makes a leaked token recognisable (secret scanners, logs). */
const TOKEN_PREFIX = 'bur_';
/** lastUsedAt is refreshed at most this often, so reads do not write on every request. */
const TOUCH_EVERY_MS = 60_000;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates, resolves and revokes sessions. */
@Injectable()
export class SessionStore {
  constructor(
    @Inject(DB) private readonly db: ControlDb,
    @Inject(CONFIG) private readonly config: PlatformConfig,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  /** A new session for the user; returns the bearer token (shown once, never stored). */
  async create(userId: UserId, ip: string, userAgent: string): Promise<string> {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const now = this.now();
    await this.db.session.create({
      data: { id: newId<SessionId>(), userId, tokenHash: hashToken(token), createdAt: now, lastUsedAt: now, expiresAt: this.expiry(now), ip, userAgent: userAgent.slice(0, 300) },
    });
    return token;
  }

  /** The auth context of a live session token, or undefined. Slides the expiry. */
  async resolve(token: string): Promise<AuthContext | undefined> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
    const session = await this.db.session.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
    const now = this.now();
    if (!session || session.revokedAt || session.expiresAt <= now) return undefined;
    if (now.getTime() - session.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      await this.db.session.update({ where: { id: session.id }, data: { lastUsedAt: now, expiresAt: this.expiry(now) } });
    }
    return { userId: session.userId as UserId, email: session.user.email, sessionId: session.id as SessionId };
  }

  /** Revokes one session. */
  async revoke(sessionId: SessionId): Promise<void> {
    await this.db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: this.now() } });
  }

  /** Revokes every session of the user, except `keep` when given; returns how many. */
  async revokeAll(userId: UserId, keep?: SessionId): Promise<number> {
    const r = await this.db.session.updateMany({ where: { userId, revokedAt: null, ...(keep ? { id: { not: keep } } : {}) }, data: { revokedAt: this.now() } });
    return r.count;
  }

  private expiry(from: Date): Date {
    return new Date(from.getTime() + this.config.sessionTtlHours * 3600_000);
  }
}
