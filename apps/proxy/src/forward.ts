/** Streaming reverse proxy for one request (node:http, no buffering, no compression). */
import { request as httpRequest, type Agent, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { REPLAY_HEADER, TXNUM_HEADER } from '@burrow/contracts';
import type { Endpoint } from '@burrow/runtime';
import { ProxyError, sendError } from './api_error.js';
import { HOP_BY_HOP } from './http1/hop_by_hop.js';

/** How one exchange ended. */
export interface ForwardResult {
  /** Upstream status code, or the proxy's own (502) when the upstream could not be reached. */
  status: number;
  /** The client or the upstream went away before the response was complete. */
  aborted: boolean;
  /** The upstream connection error, when there was one. */
  error?: Error;
  /** `replayable`: nothing was sent to the client; the request may go to another node (the node failed). */
  retry?: boolean;
  /** `replayable`: the node answered with `fly-replay` (its value); nothing was sent to the client. */
  replay?: string;
  /** The transaction number a LiteFS primary gave the write (`burrow-txnum`). */
  txnum?: number;
}

/** Options of `forwardRequest`. */
export interface ForwardOptions {
  /** Keep-alive agent for upstream connections. */
  agent: Agent;
  /** Scheme the client used (`X-Forwarded-Proto`). */
  proto: 'http' | 'https';
  /**
   * Asked when the upstream could not be reached before any response: a better answer than
   * 502 when there is one (e.g. the instance was stopped a moment ago).
   */
  explainFailure?: (error: Error) => Promise<ProxyError | undefined>;
  /**
   * A request without a body sent to one node of a replicated instance: a connection failure
   * or a `fly-replay` answer is handed back (`retry`, `replay`) instead of reaching the client,
   * so it can be re-sent to another node.
   */
  replayable?: boolean;
  /** `replayable`: no response head within this long counts as a failed node (ms, default 10 000). */
  replayTimeoutMs?: number;
}

/** A copy of `headers` without hop-by-hop headers, including those the `Connection` header names. */
export function stripHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter((token) => token !== ''),
  );
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** True when a request carries no body (it can be sent twice: to a replica, then elsewhere). */
export function hasNoBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
}

/** The headers sent upstream: the client's minus hop-by-hop, plus `X-Forwarded-For/Proto/Host`. */
export function upstreamHeaders(req: IncomingMessage, proto: 'http' | 'https'): IncomingHttpHeaders {
  const headers = stripHopByHop(req.headers);
  const client = req.socket.remoteAddress ?? '';
  const prior = headers['x-forwarded-for'];
  const chain = Array.isArray(prior) ? prior.join(', ') : prior;
  headers['x-forwarded-for'] = chain !== undefined && chain.trim() !== '' ? `${chain}, ${client}` : client;
  headers['x-forwarded-proto'] = proto;
  if (req.headers.host !== undefined) headers['x-forwarded-host'] = req.headers.host;
  return headers;
}

/**
 * Forwards `req` to `endpoint` and streams the answer back into `res`. Bodies are piped both
 * ways (backpressure included); response headers are flushed at once so SSE reaches the client
 * as it is written. Either side going away aborts the other. An upstream that cannot be
 * reached is answered with 502 JSON. Resolves when the exchange is over; never rejects.
 */
export function forwardRequest(
  req: IncomingMessage,
  res: ServerResponse,
  endpoint: Endpoint,
  opts: ForwardOptions,
): Promise<ForwardResult> {
  return new Promise((resolve) => {
    const result: Partial<ForwardResult> = {};
    let settled = false;
    const finish = (result: ForwardResult): void => {
      if (settled) return;
      settled = true;
      res.off('close', onClientClose);
      resolve(result);
    };

    const upstream = httpRequest({
      host: endpoint.host,
      port: endpoint.port,
      method: req.method,
      path: req.url,
      headers: upstreamHeaders(req, opts.proto),
      agent: opts.agent,
    });

    upstream.on('response', (upRes) => {
      upstream.setTimeout(0); // a slow body (a stream) is the client's business from here
      const status = upRes.statusCode ?? 502;
      const replay = upRes.headers[REPLAY_HEADER];
      if (opts.replayable && status === 409 && typeof replay === 'string') {
        upRes.resume(); // its short body is dropped; the connection goes back to the pool
        finish({ status, aborted: false, replay });
        return;
      }
      const txnum = Number(upRes.headers[TXNUM_HEADER]);
      if (Number.isSafeInteger(txnum) && txnum > 0) result.txnum = txnum;
      res.writeHead(status, upRes.statusMessage, stripHopByHop(upRes.headers));
      // A stream's headers go out at once (SSE clients wait for them); other responses send
      // headers with the first body chunk, one write instead of two (the server sockets are
      // noDelay already).
      if (String(upRes.headers['content-type'] ?? '').startsWith('text/event-stream')) res.flushHeaders();
      // pipe + events rather than stream.pipeline: pipeline allocates an AbortController per
      // response, a measurable share of the proxy's CPU on small requests.
      upRes.pipe(res);
      upRes.once('end', () => finish({ ...result, status, aborted: false }));
      upRes.once('error', () => {
        res.destroy();
        finish({ status, aborted: true });
      });
      upRes.once('aborted', () => {
        res.destroy();
        finish({ status, aborted: true });
      });
    });

    upstream.on('error', (err) => {
      if (opts.replayable && !res.headersSent && !req.destroyed) {
        finish({ status: 502, aborted: false, error: err, retry: true });
        return;
      }
      if (res.headersSent) {
        res.destroy();
        finish({ status: res.statusCode, aborted: true, error: err });
        return;
      }
      if (req.destroyed && !req.complete) {
        finish({ status: 499, aborted: true, error: err });
        return;
      }
      const fallback = new ProxyError(502, 'The instance did not answer.', undefined, { cause: err });
      void (opts.explainFailure?.(err) ?? Promise.resolve(undefined))
        .catch(() => undefined)
        .then((explained) => {
          const answer = explained ?? fallback;
          if (!res.headersSent && !res.destroyed) sendError(res, answer);
          finish({ status: answer.status, aborted: false, error: err });
        });
    });

    // The client going away (mid-upload or mid-download) aborts the upstream exchange.
    function onClientClose(): void {
      if (!res.writableFinished) {
        upstream.destroy();
        finish({ status: res.headersSent ? res.statusCode : 499, aborted: true });
      }
    }
    res.once('close', onClientClose);
    if (opts.replayable) {
      // A hung node must not hold the read: no response head in time and it counts as failed.
      upstream.setTimeout(opts.replayTimeoutMs ?? 10_000, () => upstream.destroy(new Error('no answer in time')));
    }

    // A replayable request has no body, and may be sent a second time: its (ended) stream is not piped again.
    if (opts.replayable) {
      upstream.end();
      return;
    }
    // pipe, not pipeline: an upstream error must not destroy the client socket before the 502 goes out.
    req.pipe(upstream);
  });
}
