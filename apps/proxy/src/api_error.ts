/** The proxy's own error responses, in PocketBase's `{status, message, data}` shape. */
import { STATUS_CODES, type ServerResponse } from 'node:http';

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

/** The error as a complete raw HTTP/1.1 response that closes the connection (the fast lane's answers). */
export function errorResponse(error: ProxyError): Buffer {
  const body = errorBody(error);
  let head = `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\ncontent-type: application/json; charset=utf-8\r\n`;
  head += `content-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\nconnection: close\r\n`;
  if (error.retryAfterSeconds !== undefined) head += `retry-after: ${error.retryAfterSeconds}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), Buffer.from(body, 'utf8')]);
}

function errorBody(error: ProxyError): string {
  return JSON.stringify({ status: error.status, message: error.message, data: {} });
}

/** Writes `{status, message, data: {}}` unless headers already went out, in which case it cuts the response. */
export function sendError(res: ServerResponse, error: ProxyError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorBody(error);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = error.retryAfterSeconds;
  res.writeHead(error.status, headers);
  res.end(body);
}
