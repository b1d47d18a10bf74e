/**
 * How requests of a replicated instance are routed (DESIGN.md §6): shared by the tenant (a
 * replica refuses what only the primary may serve, with `fly-replay`) and the proxy (which
 * sends those straight to the primary and re-sends any request a node replays).
 */

/** Cookie holding the transaction number of the client's last write (litefs-js's name). */
export const TXNUM_COOKIE = 'txnum';

/** Header of the same number on a write's response (the proxy reads it; no cookie parsing). */
export const TXNUM_HEADER = 'burrow-txnum';

/** Header a node answers with when another node must serve the request (`instance=<hostname>`). */
export const REPLAY_HEADER = 'fly-replay';

/**
 * Paths only the primary serves even for GET: realtime (its subscriptions live there), the
 * OAuth2 redirect (it answers through realtime), files (storage is the primary's), and the
 * node-local lists of backups, logs and crons.
 */
const PRIMARY_ONLY_PREFIXES = ['/api/realtime', '/api/oauth2-redirect', '/api/files/', '/api/backups', '/api/logs', '/api/crons', '/api/_burrow/'];

/**
 * True when a request must be served by the primary: every write, and the paths above. The
 * path is compared decoded (`/api/%66iles/` is `/api/files/` to the tenant's router); one that
 * does not decode goes to the primary.
 */
export function needsPrimary(method: string, path: string): boolean {
  if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') return true;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  return PRIMARY_ONLY_PREFIXES.some((p) => decoded === p.replace(/\/$/, '') || decoded.startsWith(p));
}

/**
 * Whether a replica takes reads: within the lag limit, or at the primary's transaction (an idle
 * replica hears only a heartbeat a second; that gap is not lag). The proxy routes by it and the
 * console shows it as health.
 */
export function replicaServesReads(replica: { txid: number; lagMs: number }, primaryTx: number, maxLagMs: number): boolean {
  return replica.lagMs <= maxLagMs || replica.txid >= primaryTx;
}

/** The transaction number in a Cookie header, or undefined (absent or not a non-negative integer). */
export function txnumFromCookie(cookieHeader: string | undefined): number | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== TXNUM_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    if (!/^\d{1,15}$/.test(value)) return undefined;
    return Number(value);
  }
  return undefined;
}
