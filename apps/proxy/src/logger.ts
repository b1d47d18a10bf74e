/** The logger the proxy writes request and error lines to (injected; silent by default). */

/** Structured fields of one log line. */
export type LogFields = Record<string, string | number | boolean | undefined>;

/** Minimal structured logger. */
export interface ProxyLogger {
  /** Routine events (one line per request). */
  info(message: string, fields?: LogFields): void;
  /** Something went wrong for one request or instance. */
  error(message: string, fields?: LogFields): void;
}

/** Discards everything. */
export const silentLogger: ProxyLogger = { info: () => {}, error: () => {} };

/** One JSON line per event on stdout/stderr. */
export function jsonLogger(write: (line: string, isError: boolean) => void): ProxyLogger {
  const line = (level: string, message: string, fields?: LogFields): string =>
    JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
  return {
    info: (message, fields) => write(line('info', message, fields), false),
    error: (message, fields) => write(line('error', message, fields), true),
  };
}

/** Something lines can be written to (process.stdout). */
export interface LineSink {
  write(text: string): unknown;
}

/** Lines collected within this many bytes are written together. */
const BATCH_BYTES = 64 * 1024;

/**
 * Batches lines into one write per event-loop turn (or per 64 KiB): under load the proxy
 * logs one line per request, and a write per line to a pipe is a system call per request.
 * Nothing waits longer than the current turn; `flush()` writes what is pending at once.
 */
export class BatchedLines {
  private pending = '';
  private scheduled = false;

  /** Writes to `sink`. */
  constructor(private readonly sink: LineSink) {}

  /** Queues one line (a newline is added). */
  write(line: string): void {
    this.pending += `${line}\n`;
    if (this.pending.length >= BATCH_BYTES) return this.flush();
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes everything queued now. */
  flush(): void {
    this.scheduled = false;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.sink.write(text);
  }
}
