/**
 * Middlewares for custom routes, named as PocketBase's: requireAuth, requireSuperuserAuth,
 * activityLogger, rateLimit and bodyLimit. Each returns a Middleware for Router methods.
 */
import { requireSuperuser } from '../apis/context.js';
import { ApiError, forbidden, tooLarge, unauthorized } from '../tools/router/api_error.js';
import type { Middleware, RequestEvent } from './router.js';

/** 401 for guests; with collection names, 403 for records of other collections (superusers are `_superusers`). */
export function requireAuth(...collections: string[]): Middleware {
  return (e, next) => {
    if (!e.auth) throw unauthorized('The request requires valid record authorization token.');
    if (collections.length > 0 && !collections.includes(e.auth.collection.name)) {
      throw forbidden('The authorized record is not allowed to perform this action.');
    }
    return next();
  };
}

/** 401 for guests, 403 for non-superusers. */
export function requireSuperuserAuth(): Middleware {
  return (e, next) => {
    requireSuperuser(e.request);
    return next();
  };
}

/**
 * Every request to a Burrow app is already written to its request log (method, url, status,
 * time, auth, and the error of a failed one), as PocketBase's default activity logger does;
 * this middleware is kept for code written for PocketBase and only passes through.
 */
export function activityLogger(): Middleware {
  return (_e, next) => next();
}

/** At most `max` requests per `intervalMs` per client IP (or per `key(e)`); 429 beyond. Counted in memory. */
export function rateLimit(opts: { max: number; intervalMs: number; key?: (e: RequestEvent) => string }): Middleware {
  if (!(Number.isInteger(opts.max) && opts.max > 0 && opts.intervalMs > 0)) throw new Error('rateLimit needs a positive max and intervalMs');
  const windows = new Map<string, { start: number; count: number }>();
  return (e, next) => {
    const key = opts.key ? opts.key(e) : e.request.ip;
    const now = Date.now();
    let w = windows.get(key);
    if (!w || now - w.start >= opts.intervalMs) {
      if (windows.size > 10_000) for (const [k, v] of windows) if (now - v.start >= opts.intervalMs) windows.delete(k);
      w = { start: now, count: 0 };
      windows.set(key, w);
    }
    if (++w.count > opts.max) throw new ApiError(429, 'Too Many Requests.');
    return next();
  };
}

/** 413 for a body declared larger than `bytes` (the server's own limit still bounds the rest). */
export function bodyLimit(bytes: number): Middleware {
  return (e, next) => {
    const declared = Number(e.request.headers['content-length'] ?? 0);
    if (declared > bytes) throw tooLarge();
    return next();
  };
}
