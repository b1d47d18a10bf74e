/**
 * Follows GET /api/instances/:id/logs (text/event-stream). EventSource cannot send the
 * Authorization header, so the stream is read with fetch and parsed here; it reconnects with a
 * growing delay until `signal` aborts.
 */

/** One line of the tenant's log (the `log` event's data). */
export interface LogLine {
  time: string;
  stream: string;
  text: string;
}

/** What the follower reports. */
export interface LogStreamHandlers {
  line(line: LogLine): void;
  /** true once the stream is open, false while it is down (and being retried). */
  connected(open: boolean): void;
  /** The stream cannot be read at all (session ended, instance gone): no more retries. */
  failed(status: number): void;
}

const MAX_RETRY_MS = 10_000;

/** Reads the stream until `signal` aborts; never throws. */
export async function followLogs(instanceId: string, token: string | undefined, handlers: LogStreamHandlers, signal: AbortSignal): Promise<void> {
  let delay = 500;
  while (!signal.aborted) {
    try {
      const res = await fetch(`/api/instances/${encodeURIComponent(instanceId)}/logs`, {
        headers: { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        signal,
      });
      if (res.status === 401 || res.status === 403 || res.status === 404) {
        handlers.failed(res.status);
        return;
      }
      if (!res.ok || !res.body) throw new Error(`log stream answered ${res.status}`);
      handlers.connected(true);
      delay = 500;
      await readEvents(res.body, (event, data) => {
        if (event !== 'log') return;
        try {
          handlers.line(JSON.parse(data) as LogLine);
        } catch {
          // A malformed event is skipped; the next one stands on its own.
        }
      });
    } catch {
      // Down, refused or cut: retried below unless the page went away.
    }
    if (signal.aborted) return;
    handlers.connected(false);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(MAX_RETRY_MS, delay * 2);
  }
}

/** Parses server-sent events from `body`, calling `onEvent(type, data)` per event. */
export async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: string, data: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) onEvent(event, data.join('\n'));
    }
  }
}
