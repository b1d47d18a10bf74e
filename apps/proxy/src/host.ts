/** Maps a `Host` header to the instance name it addresses. */
import { isIP } from 'node:net';

/** Instance names (DESIGN.md §4): a letter, then 2-39 lowercase letters, digits or hyphens. */
export const INSTANCE_NAME_PATTERN = /^[a-z][a-z0-9-]{2,39}$/;

/**
 * Returns the instance name of `<name>.<baseDomain>[:port]` (case-insensitive, a trailing dot
 * allowed), or undefined for any other host: the bare domain, deeper subdomains, bad names.
 */
export function instanceNameFromHost(host: string | undefined, baseDomain: string): string | undefined {
  if (host === undefined) return undefined;
  let value = host.trim().toLowerCase();
  const port = /:(\d{1,5})$/.exec(value);
  if (port !== null) value = value.slice(0, port.index);
  if (value.endsWith('.')) value = value.slice(0, -1);
  const suffix = `.${baseDomain.toLowerCase().replace(/\.$/, '')}`;
  if (!value.endsWith(suffix)) return undefined;
  const name = value.slice(0, -suffix.length);
  return INSTANCE_NAME_PATTERN.test(name) ? name : undefined;
}

/**
 * True for the proxy's own addresses, where it serves `/metrics`: the bare base domain,
 * `localhost`, or an IP literal (`127.0.0.1:8080`, `[::1]:8080`), with or without a port.
 */
export function isPlatformHost(host: string | undefined, baseDomain: string): boolean {
  if (host === undefined) return false;
  let value = host.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed !== null) return isIP(bracketed[1]) === 6;
  const port = /:(\d{1,5})$/.exec(value);
  if (port !== null) value = value.slice(0, port.index);
  if (value.endsWith('.')) value = value.slice(0, -1);
  return value === baseDomain.toLowerCase().replace(/\.$/, '') || value === 'localhost' || isIP(value) === 4;
}
