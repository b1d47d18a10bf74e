/**
 * The client's IP as PocketBase decides it: from the first configured trusted-proxy header
 * present (its last occurrence; the rightmost valid IP of the list, or the leftmost when
 * `useLeftmostIP`), else the socket's address. IPv4-mapped IPv6 addresses are shown as IPv4.
 */
import type { FastifyRequest } from 'fastify';
import { isIP } from 'node:net';

/** The trusted-proxy settings. */
export interface TrustedProxy {
  headers: string[];
  useLeftmostIP: boolean;
}

const unmap = (ip: string) => (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip);

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
