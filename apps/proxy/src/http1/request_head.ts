/**
 * The request heads the fast lane forwards itself, and nothing else: HTTP/1.1, origin-form
 * target, one Host, at most one plain Content-Length, no Transfer-Encoding, Upgrade or Expect,
 * strictly formed lines. Anything else (malformed, chunked uploads, HTTP/1.0, WebSocket
 * upgrades, 100-continue...) is left to node:http, which parses it strictly and answers errors,
 * so no lenient parsing here can ever let a request be framed two ways.
 */
import { HOP_BY_HOP } from './hop_by_hop.js';

/** Largest head the fast lane reads (node:http's default limit); a longer one goes to node:http. */
export const MAX_HEAD_BYTES = 16 * 1024;

/** A request head the fast lane may forward. */
export interface RequestHead {
  /** Method token, as sent. */
  method: string;
  /** Origin-form target (`/path?query`). */
  target: string;
  /** The Host header's value. */
  host: string;
  /** Body length (0 when there is none). */
  contentLength: number;
  /** The client asked to close the connection after this exchange. */
  close: boolean;
  /** Header lines to forward, `Name: value` as sent, hop-by-hop and X-Forwarded-* removed. */
  lines: string[];
  /** X-Forwarded-For values the client sent, joined, or '' when none. */
  forwardedFor: string;
  /** Bytes of the head, terminating blank line included. */
  size: number;
}

const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\/[^ \x00-\x1f\x7f]*) HTTP\/1\.1$/;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([^\x00-\x08\x0a-\x1f\x7f]*?)[ \t]*$/;
const DIGITS = /^\d{1,15}$/;

/** Headers of one hop only (the framing ones never get here), plus those the proxy sets itself. */
const DROPPED = new Set([...HOP_BY_HOP, 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host']);

/** Headers whose presence sends the request to node:http. */
const SLOW = new Set(['transfer-encoding', 'upgrade', 'expect', 'http2-settings']);

/** Offset just past the `\r\n\r\n` ending the head in `buf`, or -1 when it has not arrived yet. */
export function headEnd(buf: Buffer, from = 0): number {
  const at = buf.indexOf('\r\n\r\n', Math.max(0, from - 3), 'latin1');
  return at < 0 ? -1 : at + 4;
}

/**
 * Parses the head occupying `buf[0, end)` (`end` from `headEnd`). Undefined when the fast lane
 * must not handle it: the caller hands the connection to node:http instead.
 */
export function parseRequestHead(buf: Buffer, end: number): RequestHead | undefined {
  const text = buf.toString('latin1', 0, end - 4);
  const rows = text.split('\r\n');
  const start = REQUEST_LINE.exec(rows[0]);
  if (start === null || start[1] === 'CONNECT') return undefined;
  let host: string | undefined;
  let contentLength: string | undefined;
  let connection = '';
  let forwardedFor = '';
  const kept: Array<[string, string]> = [];
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i];
    // A bare CR or LF (outside the value's character class), obs-fold, or any malformed line: node:http decides.
    const m = HEADER_LINE.exec(row);
    if (m === null) return undefined;
    const name = m[1].toLowerCase();
    const value = m[2];
    if (SLOW.has(name)) return undefined;
    if (name === 'host') {
      if (host !== undefined) return undefined;
      host = value;
    } else if (name === 'content-length') {
      if (contentLength !== undefined || !DIGITS.test(value)) return undefined;
      contentLength = value;
    } else if (name === 'connection') {
      connection += `${connection === '' ? '' : ','}${value.toLowerCase()}`;
    } else if (name === 'x-forwarded-for') {
      if (value.trim() !== '') forwardedFor += `${forwardedFor === '' ? '' : ', '}${value}`;
    }
    kept.push([name, row]);
  }
  if (host === undefined || host === '') return undefined;
  const named = new Set(connection.split(',').map((t) => t.trim()).filter((t) => t !== ''));
  // Connection may name headers to drop, but never the ones that frame or route the request:
  // dropping Content-Length would let the body reach the tenant as a request of its own.
  for (const name of ['upgrade', 'http2-settings', 'content-length', 'host', 'transfer-encoding']) if (named.has(name)) return undefined;
  const lines: string[] = [];
  for (const [name, row] of kept) if (!DROPPED.has(name) && !named.has(name)) lines.push(row);
  return {
    method: start[1],
    target: start[2],
    host,
    contentLength: contentLength === undefined ? 0 : Number(contentLength),
    close: named.has('close'),
    lines,
    forwardedFor,
    size: end,
  };
}

/** The head sent upstream: the client's lines plus X-Forwarded-For/Proto/Host, as node:http's lane sends them. */
export function upstreamHead(head: RequestHead, clientAddress: string, proto: 'http' | 'https'): Buffer {
  const forwardedFor = head.forwardedFor === '' ? clientAddress : `${head.forwardedFor}, ${clientAddress}`;
  let out = `${head.method} ${head.target} HTTP/1.1\r\n`;
  for (const line of head.lines) out += `${line}\r\n`;
  if (head.close) out += 'connection: close\r\n';
  out += `x-forwarded-for: ${forwardedFor}\r\nx-forwarded-proto: ${proto}\r\nx-forwarded-host: ${head.host}\r\n\r\n`;
  return Buffer.from(out, 'latin1');
}
