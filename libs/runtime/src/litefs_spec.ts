/** The LiteFS spec of one node of a replicated instance, the same for every app that starts one. */
import { primaryHostnameOf } from '@burrow/litefs';
import { parseInstanceId } from './instance_id.js';
import type { LiteFsNodeSpec } from './types.js';

/** A node as the control plane records it: its role and fixed LiteFS port. */
export interface LiteFsNodeRow {
  role: string;
  litefsPort: number;
}

/**
 * The spec of `node` in the cluster whose primary is `primaryId` with LiteFS port `primaryPort`;
 * nodes talk over `host` (the process runtime's loopback address).
 */
export function liteFsNodeSpec(node: LiteFsNodeRow, primaryId: string, primaryPort: number, host = '127.0.0.1'): LiteFsNodeSpec {
  return {
    role: node.role === 'primary' ? 'primary' : 'replica',
    port: node.litefsPort,
    primaryUrl: `http://${host}:${primaryPort}`,
    primaryHostname: primaryHostnameOf(primaryId),
    primaryId: parseInstanceId(primaryId),
  };
}
