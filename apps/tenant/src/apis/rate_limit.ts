/**
 * Rate limits on the HTTP routes, as PocketBase applies them: every request is checked
 * against the `METHOD /path` and `/path` labels (prefix rules such as "/api/" included);
 * collection routes also check `<collection>:<tag>` and `*:<tag>` labels (list, view,
 * create, update, delete, auth, authWithPassword, file...). Superusers and excluded IPs are
 * never limited. Over the limit: 429 "Too Many Requests.".
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantApp } from '../core/app.js';
import type { Collection } from '../core/collection_model.js';
import { audiencesOf, findRateLimitRule, ipInList, RateLimiters, type RateLimitRule } from '../core/rate_limits.js';
import { isSuperuserAuth } from '../core/request_info.js';
import { ApiError } from '../tools/router/api_error.js';
import { clientIP } from './real_ip.js';

const limitersOf = new WeakMap<TenantApp, RateLimiters>();

// As PocketBase: the sweeper job appears once limiting is in use; it forgets idle clients of
// both the settings' limiters and the fixed ones (OTP attempts).
function addSweeper(app: TenantApp): void {
  if (app.cron.has('__pbRateLimitersCleanup__')) return;
  app.cron.add('__pbRateLimitersCleanup__', '2 * * * *', () => {
    limitersOf.get(app)?.sweep();
    fixedLimitersOf.get(app)?.sweep();
  });
}

function limiters(app: TenantApp): RateLimiters {
  let l = limitersOf.get(app);
  if (!l) {
    l = new RateLimiters(() => app.now().getTime());
    limitersOf.set(app, l);
    addSweeper(app);
  }
  return l;
}

function skip(app: TenantApp, request: FastifyRequest): boolean {
  const s = app.settings.get();
  return !s.rateLimits.enabled || isSuperuserAuth(request)
    || ipInList(s.rateLimits.excludedIPs, clientIP(app, request));
}

// The decoded path, as the router matched it (`/%61pi/batch` is `/api/batch`): labels built
// from the raw URL could be dodged by percent-encoding.
function pathOf(request: FastifyRequest): string {
  const i = request.url.indexOf('?');
  const raw = i === -1 ? request.url : request.url.slice(0, i);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

const defaultLabels = (request: FastifyRequest) => [`${request.method.toUpperCase()} ${pathOf(request)}`, pathOf(request)];

function check(app: TenantApp, request: FastifyRequest, limiterId: string, rule: RateLimitRule): void {
  if (rule.audience === '@guest' && request.auth) return;
  if (rule.audience === '@auth' && !request.auth) return;
  const s = app.settings.get();
  const ip = clientIP(app, request);
  if (!ip) return;
  if (!limiters(app).allow(limiterId + rule.audience, rule, ip, s.rateLimits)) throw new ApiError(429);
}

/**
 * Counts a request against a fixed rule whatever the settings say (e.g. OTP attempts per
 * record); returns false when over it.
 */
export function withinFixedLimit(app: TenantApp, request: FastifyRequest, limiterId: string, rule: RateLimitRule): boolean {
  const ip = clientIP(app, request);
  let fixed = fixedLimitersOf.get(app);
  if (!fixed) {
    fixed = new RateLimiters(() => app.now().getTime());
    fixedLimitersOf.set(app, fixed);
    addSweeper(app);
  }
  return !ip || fixed.allow(limiterId, rule, ip, FIXED_RULES);
}

// Fixed rules never change with the settings: their own limiters, one constant version.
const FIXED_RULES = Symbol('fixed rate limit rules');
const fixedLimitersOf = new WeakMap<TenantApp, RateLimiters>();

/** Checks a collection route's rate limit labels; throws a 429 ApiError when over. */
export function checkCollectionRateLimit(app: TenantApp, request: FastifyRequest, collection: Collection, ...tags: string[]): void {
  if (skip(app, request)) return;
  const labels = [...tags.map((t) => `${collection.name}:${t}`), ...tags.map((t) => `*:${t}`), ...defaultLabels(request)];
  const rule = findRateLimitRule(app.settings.get().rateLimits.rules, labels, audiencesOf(request.auth !== undefined));
  if (rule) check(app, request, `${collection.id}${request.routeOptions.url ?? ''}${tags.join('')}`, rule);
}

/** Checks every request against the path labels (after auth is known). */
export function bindRateLimits(app: TenantApp, server: FastifyInstance): void {
  server.addHook('onRequest', (request, _reply, done) => {
    try {
      if (!skip(app, request)) {
        const rule = findRateLimitRule(app.settings.get().rateLimits.rules, defaultLabels(request), audiencesOf(request.auth !== undefined));
        if (rule) check(app, request, rule.label, rule);
      }
    } catch (err) {
      done(err as Error);
      return;
    }
    done();
  });
}
