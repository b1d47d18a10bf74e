/** The proxy's own error responses, in PocketBase's `{status, message, data}` shape. */
import type { ServerResponse } from 'node:http';

/** An error the proxy answers itself (never a stack trace on the wire). */
export class ProxyError extends Error {
  /** Builds an error answered with `status`; `retryAfterSeconds` adds a `Retry-After` header. */
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSeconds?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ProxyError';
  }
}

/** Writes `{status, message, data: {}}` unless headers already went out, in which case it cuts the response. */
export function sendError(res: ServerResponse, error: ProxyError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ status: error.status, message: error.message, data: {} });
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = error.retryAfterSeconds;
  res.writeHead(error.status, headers);
  res.end(body);
}
