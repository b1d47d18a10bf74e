/**
 * Response heads as the fast lane reads them from a tenant: the status and how the body is
 * framed, so the lane knows where one response ends and the next request may go. The head's
 * bytes are forwarded unchanged (the client's connection and the tenant's are paired one to
 * one, so the tenant's connection headers hold for the client's hop too).
 */

/** Largest response head accepted from a tenant; a longer one is a 502. */
export const MAX_RESPONSE_HEAD_BYTES = 64 * 1024;

/** How a response body ends. */
export type BodyFraming =
  | { kind: 'none' }
  | { kind: 'length'; length: number }
  | { kind: 'chunked' }
  /** Until the tenant closes the connection (no length, or a coding other than chunked last). */
  | { kind: 'close' };

/** One parsed response head. */
export interface ResponseHead {
  /** Status code. */
  status: number;
  /** How the body ends. */
  framing: BodyFraming;
  /** The tenant closes the connection after this response. */
  close: boolean;
  /** 101: the connection becomes a tunnel after the head. */
  upgrade: boolean;
}

const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: [^\r\n]*)?$/;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;
const DIGITS = /^\d{1,15}$/;

/**
 * Parses the head in `buf[0, end)` of the answer to a `method` request. Undefined when it is
 * malformed (bad status line, conflicting or invalid lengths): the exchange fails with a 502.
 */
export function parseResponseHead(buf: Buffer, end: number, method: string): ResponseHead | undefined {
  const rows = buf.toString('latin1', 0, end - 4).split('\r\n');
  const start = STATUS_LINE.exec(rows[0]);
  if (start === null) return undefined;
  const status = Number(start[2]);
  let length: string | undefined;
  let codings: string | undefined;
  let connection = '';
  for (let i = 1; i < rows.length; i++) {
    const m = HEADER_LINE.exec(rows[i]);
    if (m === null) return undefined;
    const name = m[1].toLowerCase();
    if (name === 'content-length') {
      if (!DIGITS.test(m[2]) || (length !== undefined && length !== m[2])) return undefined;
      length = m[2];
    } else if (name === 'transfer-encoding') {
      codings = codings === undefined ? m[2] : `${codings},${m[2]}`;
    } else if (name === 'connection') {
      connection += `,${m[2].toLowerCase()}`;
    }
  }
  const close = start[1] === '0' ? !/(^|,)\s*keep-alive\s*(,|$)/.test(connection) : /(^|,)\s*close\s*(,|$)/.test(connection);
  const upgrade = status === 101;
  if (upgrade || (status >= 100 && status < 200) || status === 204 || status === 304 || method === 'HEAD') {
    return { status, framing: { kind: 'none' }, close, upgrade };
  }
  if (codings !== undefined) {
    const last = codings.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '').pop();
    return last === 'chunked' ? { status, framing: { kind: 'chunked' }, close, upgrade } : { status, framing: { kind: 'close' }, close: true, upgrade };
  }
  if (length !== undefined) return { status, framing: { kind: 'length', length: Number(length) }, close, upgrade };
  return { status, framing: { kind: 'close' }, close: true, upgrade };
}
