/** Account use cases: sign up, log in, log out (one or all sessions), change password. */
import { Inject, Injectable } from '@nestjs/common';
import type { PlatformConfig } from '@burrow/config';
import { newId, uniqueViolation, type ControlDb, type User, type UserId } from '@burrow/db';
import type { JobProducer } from '@burrow/jobs';
import { ApiError } from '../common/api_error.js';
import { CLOCK, CONFIG, DB, JOBS, type Clock } from '../common/tokens.js';
import type { AuthContext } from './auth_context.js';
import { LoginThrottle } from './login_throttle.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords.js';
import { SessionStore } from './session_store.js';

/** A user as the api shows it. */
export interface UserView {
  id: string;
  email: string;
  createdAt: string;
}

/** What sign up and log in answer. */
export interface SessionView {
  user: UserView;
  token: string;
}

/** Where a login comes from. */
export interface Origin {
  ip: string;
  userAgent: string;
}

/** Account use cases. */
@Injectable()
export class AuthService {
  constructor(
    @Inject(DB) private readonly db: ControlDb,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Inject(LoginThrottle) private readonly throttle: LoginThrottle,
    @Inject(JOBS) private readonly jobs: JobProducer,
    @Inject(CONFIG) private readonly config: PlatformConfig,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  /** Creates an account and its first session. */
  async signup(email: string, password: string, origin: Origin): Promise<SessionView> {
    const now = this.now();
    const passwordHash = await hashPassword(password);
    let user: User;
    try {
      user = await this.db.user.create({ data: { id: newId<UserId>(), email, passwordHash, passwordChangedAt: now, createdAt: now, updatedAt: now } });
    } catch (err) {
      if (uniqueViolation(err)?.includes('email')) {
        throw ApiError.badRequest('Failed to create the account.', { email: { code: 'validation_email_taken', message: 'An account with this email already exists.' } });
      }
      throw err;
    }
    return { user: view(user), token: await this.sessions.create(user.id as UserId, origin.ip, origin.userAgent) };
  }

  /** Checks the password (throttled per IP and per account) and opens a session. */
  async login(email: string, password: string, origin: Origin): Promise<SessionView> {
    const keys = [{ kind: 'ip' as const, value: origin.ip }, { kind: 'account' as const, value: email }];
    const wait = await this.throttle.lockedFor(keys);
    if (wait > 0) throw ApiError.tooManyRequests('Too many failed login attempts; try again later.', wait);
    const user = await this.db.user.findUnique({ where: { email } });
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok) {
      await this.throttle.fail(keys);
      throw ApiError.badRequest('Failed to authenticate.', { email: { code: 'validation_invalid_credentials', message: 'Invalid email or password.' } });
    }
    await this.throttle.succeed(email);
    return { user: view(user), token: await this.sessions.create(user.id as UserId, origin.ip, origin.userAgent) };
  }

  /** The caller's account. */
  async me(auth: AuthContext): Promise<UserView> {
    const user = await this.db.user.findUnique({ where: { id: auth.userId } });
    if (!user) throw ApiError.unauthorized();
    return view(user);
  }

  /** Ends the current session. */
  async logout(auth: AuthContext): Promise<void> {
    await this.sessions.revoke(auth.sessionId);
  }

  /** Ends every session of the account, this one included. */
  async logoutEverywhere(auth: AuthContext): Promise<number> {
    return this.sessions.revokeAll(auth.userId);
  }

  /**
   * Changes the password, ends the account's other sessions, and queues the admin sync of
   * every instance so the new password logs in as their superuser too.
   */
  async changePassword(auth: AuthContext, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.db.user.findUnique({ where: { id: auth.userId }, include: { instances: { where: { status: { not: 'deleting' } } } } });
    if (!user) throw ApiError.unauthorized();
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      throw ApiError.badRequest('Failed to change the password.', { currentPassword: { code: 'validation_invalid_password', message: 'The current password is wrong.' } });
    }
    // The instances' superusers follow through jobs: refuse before changing anything when they
    // cannot be queued, or the old password would stay a superuser login everywhere.
    await this.jobs.requireAvailable();
    const now = this.now();
    await this.db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(newPassword), passwordChangedAt: now, updatedAt: now } });
    await this.sessions.revokeAll(auth.userId, auth.sessionId);
    // One failed enqueue must not skip the other instances; the password change itself stands.
    const results = await Promise.allSettled(
      user.instances.map((instance) => this.jobs.enqueue('instance.admin-sync', { instanceId: instance.id }, instance.hostId || this.config.hostId)),
    );
    if (results.some((r) => r.status === 'rejected')) {
      throw ApiError.unavailable('Your password was changed, but some instances could not be updated yet; change it again in a moment to retry.');
    }
  }
}

function view(user: User): UserView {
  return { id: user.id, email: user.email, createdAt: user.createdAt.toISOString() };
}
