/** A logger that keeps its lines so tests can await one instead of sleeping. */
import type { LogFields, ProxyLogger } from '../logger.js';

/** One recorded line. */
export interface LoggedLine {
  level: 'info' | 'error';
  message: string;
  fields: LogFields;
}

/** Records every line; `waitFor` resolves on the first (past or future) line with a message. */
export class RecordingLogger implements ProxyLogger {
  /** Every line so far, oldest first. */
  readonly lines: LoggedLine[] = [];
  private readonly waiters = new Set<(line: LoggedLine) => void>();

  /** Records an info line. */
  info(message: string, fields: LogFields = {}): void {
    this.record({ level: 'info', message, fields });
  }

  /** Records an error line. */
  error(message: string, fields: LogFields = {}): void {
    this.record({ level: 'error', message, fields });
  }

  /** The first line with `message` whose fields match `where` (fields compared with ===). */
  waitFor(message: string, where: LogFields = {}): Promise<LoggedLine> {
    const matches = (line: LoggedLine): boolean =>
      line.message === message && Object.entries(where).every(([k, v]) => line.fields[k] === v);
    const seen = this.lines.find(matches);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const waiter = (line: LoggedLine): void => {
        if (!matches(line)) return;
        this.waiters.delete(waiter);
        resolve(line);
      };
      this.waiters.add(waiter);
    });
  }

  private record(line: LoggedLine): void {
    this.lines.push(line);
    for (const waiter of [...this.waiters]) waiter(line);
  }
}
