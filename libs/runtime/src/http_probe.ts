/** A tiny HTTP client for health checks and tests: one connection per request, no keep-alive. */
import { request } from 'node:http';

/** The answer of `httpRequest`. */
export interface ProbeResponse {
  /** HTTP status code. */
  status: number;
  /** The body as text. */
  body: string;
}

/** Options of `httpRequest`. */
export interface ProbeOptions {
  /** HTTP method (default GET). */
  method?: string;
  /** JSON body to send. */
  json?: unknown;
  /** Overall time limit (default 2 000 ms). */
  timeoutMs?: number;
  /** Cancels the request. */
  signal?: AbortSignal;
  /** Extra request headers (e.g. authorization). */
  headers?: Record<string, string>;
}

/**
 * Sends one request without a keep-alive agent, so no idle socket holds the tenant open
 * during its graceful shutdown or keeps the caller's event loop alive.
 */
export function httpRequest(url: string, opts: ProbeOptions = {}): Promise<ProbeResponse> {
  return new Promise((resolve, reject) => {
    const payload = opts.json === undefined ? undefined : Buffer.from(JSON.stringify(opts.json));
    const req = request(url, {
      method: opts.method ?? 'GET',
      agent: false,
      signal: opts.signal,
      timeout: opts.timeoutMs ?? 2_000,
      headers: { ...opts.headers, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
    });
    req.on('timeout', () => req.destroy(new Error(`timed out: ${url}`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.end(payload);
  });
}
