/**
 * The client's IP as PocketBase decides it: from the first configured trusted-proxy header
 * present (its last occurrence; the rightmost valid IP of the list, or the leftmost when
 * `useLeftmostIP`), else the socket's address. IPv4-mapped IPv6 addresses are shown as IPv4.
 */
import type { FastifyRequest } from 'fastify';
import { isIP } from 'node:net';
import type { TenantApp } from '../core/app.js';

/** The trusted-proxy settings. */
export interface TrustedProxy {
  headers: string[];
  useLeftmostIP: boolean;
}

const unmap = (ip: string) => (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip);

// Apps served behind Burrow's own proxy (run by the platform).
const platformProxied = new WeakSet<TenantApp>();

/**
 * Marks an app as served behind Burrow's proxy: while its settings name no trusted-proxy
 * header, requests from a loopback peer (the proxy) are attributed to the rightmost
 * X-Forwarded-For address, the one the proxy appended; otherwise every client would share
 * the proxy's address in logs and rate limits.
 */
export function trustPlatformProxy(app: TenantApp): void {
  platformProxied.add(app);
}

const LOOPBACK = /^(127\.|::1$)/;
const PLATFORM_PROXY: TrustedProxy = { headers: ['x-forwarded-for'], useLeftmostIP: false };

/** The client's address for an app's request (its trusted-proxy settings, or Burrow's proxy). */
export function clientIP(app: TenantApp, request: FastifyRequest): string {
  const configured = app.settings.get().trustedProxy;
  if (configured.headers.length === 0 && platformProxied.has(app) && LOOPBACK.test(remoteIP(request))) return realIP(request, PLATFORM_PROXY);
  return realIP(request, configured);
}

/** The socket's peer address. */
export function remoteIP(request: FastifyRequest): string {
  return unmap(request.socket.remoteAddress ?? '');
}

/** The client's address, trusting the configured proxy headers. */
export function realIP(request: FastifyRequest, proxy: TrustedProxy): string {
  for (const name of proxy.headers) {
    const raw = request.headers[name.toLowerCase()];
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (!value) continue;
    const ips = value.split(',').map((s) => s.trim());
    if (!proxy.useLeftmostIP) ips.reverse();
    const found = ips.find((ip) => isIP(ip) !== 0);
    if (found) return unmap(found);
  }
  return remoteIP(request);
}
