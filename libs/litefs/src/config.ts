/**
 * litefs.yml for one node of a replicated instance (DESIGN.md §6). The lease is static: the
 * primary is the only candidate and every replica names it by hostname and advertise URL,
 * which is how LiteFS fills a replica's `.primary`. Values are written as JSON strings (valid
 * YAML double-quoted scalars) and the binary runs with `-no-expand-env`, so nothing in a path
 * is read as a variable.
 */

/** One node's place in its cluster. */
export interface NodeConfigInput {
  /** `primary` (the static lease's candidate) or `replica`. */
  role: 'primary' | 'replica';
  /** The FUSE mount: the tenant's `--db-dir`. Must exist and be empty. */
  mountDir: string;
  /** LiteFS's own state (LTX files, its copy of the database). */
  dataDir: string;
  /** This node's LiteFS API, `127.0.0.1:<port>` (replicas stream from the primary's). */
  httpAddr: string;
  /**
   * The cluster's primary hostname: what a replica's `.primary` holds. It must differ from the
   * machine's hostname, because litefs-js compares `.primary` with `os.hostname()`.
   */
  primaryHostname: string;
  /** The primary's LiteFS API URL (`http://127.0.0.1:<port>`). */
  primaryUrl: string;
  /** How long LTX files are kept for replicas that fall behind (seconds). Default 10 min. */
  retentionS?: number;
}

const str = (value: string): string => JSON.stringify(value);

/** Renders the node's litefs.yml. */
export function renderNodeConfig(input: NodeConfigInput): string {
  const retention = input.retentionS ?? 600;
  return [
    '# Written by Burrow (@burrow/litefs); one node of a replicated instance.',
    'exit-on-error: true',
    'fuse:',
    `  dir: ${str(input.mountDir)}`,
    'data:',
    `  dir: ${str(input.dataDir)}`,
    '  compress: true',
    `  retention: ${retention}s`,
    'http:',
    `  addr: ${str(input.httpAddr)}`,
    'lease:',
    '  type: "static"',
    `  candidate: ${input.role === 'primary'}`,
    `  hostname: ${str(input.primaryHostname)}`,
    `  advertise-url: ${str(input.primaryUrl)}`,
    // A replica that lost its primary (a restart) tries again soon: writes resume quickly.
    '  reconnect-delay: 1s',
    'log:',
    '  format: "text"',
    'tracing:',
    '  enabled: false',
    '',
  ].join('\n');
}

/** The hostname a cluster's primary advertises: per instance, never the machine's. */
export function primaryHostnameOf(instanceId: string): string {
  return `burrow-${instanceId}-primary`;
}
