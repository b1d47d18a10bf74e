/**
 * What a LiteFS mount tells about its node: `.primary` (present on replicas only, the
 * primary's hostname), `<db>-pos` (`<txid hex>/<checksum hex>`: the last transaction applied
 * here) and `.lag` (milliseconds since this replica last heard from the primary).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A database's replication position. */
export interface Position {
  /** Transaction id (LiteFS's TXID, increasing by one per transaction). */
  txid: number;
  /** LiteFS's checksum of the whole database after that transaction (hex). */
  checksum: string;
}

/** Parses `<txid hex>/<checksum hex>`; undefined when malformed. */
export function parsePosition(text: string): Position | undefined {
  const m = /^([0-9a-f]{16})\/([0-9a-f]{16})$/i.exec(text.trim());
  if (!m) return undefined;
  return { txid: Number.parseInt(m[1] as string, 16), checksum: (m[2] as string).toLowerCase() };
}

/** The database's position on this node, or undefined while it does not exist yet. */
export async function readPosition(mountDir: string, db = 'data.db'): Promise<Position | undefined> {
  try {
    return parsePosition(await readFile(join(mountDir, `${db}-pos`), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The primary's hostname as a replica sees it; undefined on the primary (no `.primary` file). */
export async function readPrimary(mountDir: string): Promise<string | undefined> {
  try {
    const text = (await readFile(join(mountDir, '.primary'), 'utf8')).trim();
    return text || undefined;
  } catch {
    return undefined;
  }
}

/** Milliseconds since this replica last heard from its primary (0 on the primary or before the first sync). */
export async function readLag(mountDir: string): Promise<number | undefined> {
  try {
    const n = Number.parseInt((await readFile(join(mountDir, '.lag'), 'utf8')).trim(), 10);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}
