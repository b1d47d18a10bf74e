/** LiteFS's `/events` stream: one JSON object per line, for as long as the node runs. */

/** The first event: what this node is. */
export interface InitEvent {
  type: 'init';
  data: { isPrimary: boolean; hostname?: string };
}

/** A transaction was applied to a database on this node. */
export interface TxEvent {
  type: 'tx';
  db: string;
  data: { txID: string; postApplyChecksum: string; pageSize: number; commit: number; timestamp: string };
}

/** The node became or stopped being the primary (never with a static lease, but reported). */
export interface PrimaryChangeEvent {
  type: 'primaryChange';
  data: { isPrimary: boolean; hostname?: string };
}

/** One event of the stream. */
export type LiteFsEvent = InitEvent | TxEvent | PrimaryChangeEvent;

/** A tx event's transaction id as a number (LiteFS writes it as 16 hex digits). */
export function txidOf(event: TxEvent): number {
  return Number.parseInt(event.data.txID, 16);
}

function isEvent(value: unknown): value is LiteFsEvent {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'init' || type === 'tx' || type === 'primaryChange';
}

/**
 * Follows `<apiUrl>/events` until `signal` aborts or the node closes the stream (it stopped);
 * unknown event types are skipped. Throws when the node cannot be reached.
 */
export async function* followEvents(apiUrl: string, signal: AbortSignal): AsyncGenerator<LiteFsEvent> {
  const res = await fetch(new URL('/events', apiUrl), { signal });
  if (!res.ok || !res.body) throw new Error(`litefs /events answered ${res.status}`);
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for await (const chunk of res.body) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          continue;
        }
        if (isEvent(parsed)) yield parsed;
      }
    }
  } catch (err) {
    if (signal.aborted) return;
    throw err;
  }
}

/** This node's `/info`: its role and the primary it follows. */
export interface NodeInfo {
  clusterID?: string;
  isPrimary: boolean;
  candidate: boolean;
  primary?: { hostname?: string };
}

/** GET `<apiUrl>/info`; undefined when the node does not answer. */
export async function nodeInfo(apiUrl: string, timeoutMs = 2_000): Promise<NodeInfo | undefined> {
  try {
    const res = await fetch(new URL('/info', apiUrl), { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    return (await res.json()) as NodeInfo;
  } catch {
    return undefined;
  }
}
