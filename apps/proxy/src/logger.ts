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
