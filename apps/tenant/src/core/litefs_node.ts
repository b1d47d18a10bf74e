/**
 * The tenant's place in a LiteFS cluster, when its data.db lives on a LiteFS mount
 * (`--db-dir`, DESIGN.md §6). litefs-js answers whether this node is the primary (`.primary`
 * exists only on replicas and names the primary) and reads the transaction number (`data.db-pos`).
 * Its `waitForUpToDateTxNumber` is not used: its retry loop stops after the first interval while
 * the replica is still behind, and re-reads the position from the environment's directory
 * instead of the one it was given; `waitForTx` below polls the given mount until the deadline.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePosition } from '@burrow/litefs';
import { getInstanceInfoSync, getTxNumber } from 'litefs-js';

const DB_NAME = 'data.db';

/** True when `dbDir` is a LiteFS mount (it always shows `.lag`). */
export function isLiteFsMount(dbDir: string): boolean {
  return existsSync(join(dbDir, '.lag'));
}

/** One node's role and position; the lease is static, so the role is fixed for the process. */
export class LiteFsNodeState {
  readonly isPrimary: boolean;
  /** The primary's hostname (LiteFS's lease hostname), what `fly-replay: instance=` names. */
  readonly primaryInstance: string;

  constructor(readonly dbDir: string) {
    const info = getInstanceInfoSync(dbDir);
    this.isPrimary = info.currentIsPrimary;
    this.primaryInstance = info.primaryInstance;
  }

  /** The transaction number of data.db on this node (0 before the first). */
  txNumber(): Promise<number> {
    return getTxNumber(this.dbDir, DB_NAME);
  }

  /** The same, synchronously (a small FUSE read): the check of a replica's caches. */
  txNumberSync(): number {
    try {
      return parsePosition(readFileSync(join(this.dbDir, `${DB_NAME}-pos`), 'utf8'))?.txid ?? 0;
    } catch {
      return 0;
    }
  }

  /** Resolves true once this node has applied transaction `target`, false after `timeoutMs`. */
  async waitForTx(target: number, timeoutMs = 500, intervalMs = 15): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.txNumber()) >= target) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
