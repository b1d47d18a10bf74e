/** One-line JSON logs (the api's only logger; request logs come from the same place). */

/** Where log lines go. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A logger writing JSON lines through `write`. */
export function jsonLogger(write: (line: string, isError: boolean) => void): Logger {
  const emit = (level: string, msg: string, fields: Record<string, unknown> = {}) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, role: 'api', msg, ...fields }), level === 'error');
  return { info: (m, f) => emit('info', m, f), error: (m, f) => emit('error', m, f) };
}

/** A logger that keeps nothing (tests). */
export const silentLogger: Logger = { info: () => undefined, error: () => undefined };
