/** Maps a `Host` header to the instance name it addresses. */

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
