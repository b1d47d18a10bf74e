/** `HOST:PORT` as `--http` and `start({ http })` take it (`[::1]:8090` for IPv6; an empty host is 127.0.0.1). */
export function parseHttpAddress(value: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]*):(\d{1,5})$/.exec(value);
  if (!m) throw new Error(`invalid --http address "${value}" (expected HOST:PORT)`);
  const port = Number(m[2]);
  if (port > 65535) throw new Error(`invalid port ${port}`);
  return { host: m[1].replace(/^\[|\]$/g, '') || '127.0.0.1', port };
}
