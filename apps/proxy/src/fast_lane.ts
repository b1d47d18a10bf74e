/**
 * The fast lane: the proxy's data path for the common case, a running instance and a plain
 * HTTP/1.1 request. Each client connection is paired with one connection to its tenant; the
 * lane reads just enough of each request head to route it and add X-Forwarded-*, then moves
 * bytes both ways without building request or response objects. Measured on getOne, that is
 * what separates ~0.35x direct (node:http on both hops) from ~0.9x.
 *
 * Anything else (unknown or sleeping instances, errors, `/metrics`, malformed or unusual
 * requests) is handed, with the bytes already read, to node:http and the full handler in
 * server.ts, which then keeps that connection. One exchange at a time per connection:
 * pipelined requests wait in the buffer until the response before them is complete.
 */
import { connect, type Socket } from 'node:net';
import type { Endpoint, InstanceId } from '@burrow/runtime';
import { errorResponse, type ProxyError } from './api_error.js';
import { ChunkedError, ChunkedScanner } from './http1/chunked.js';
import { MAX_HEAD_BYTES, headEnd, parseRequestHead, upstreamHead, type RequestHead } from './http1/request_head.js';
import { MAX_RESPONSE_HEAD_BYTES, parseResponseHead, type ResponseHead } from './http1/response_head.js';

/** Where one request goes, as the router decided. */
export interface LaneTarget {
  /** The instance served. */
  instance: InstanceId;
  /** Its name (to re-read its record when its tenant fails). */
  name: string;
  /** Its tenant's address. */
  endpoint: Endpoint;
}

/** One finished exchange, for metrics and the request log. */
export interface LaneExchange {
  target: LaneTarget;
  method: string;
  host: string;
  path: string;
  /** Upstream status, the proxy's own on a failure, or 499 when the client left before any response. */
  status: number;
  /** Milliseconds from the head's arrival to the end of the response. */
  ms: number;
  /** The client or the tenant went away before the response was complete. */
  aborted: boolean;
}

/** What the lane needs from the proxy around it. */
export interface FastLaneHooks {
  /** The running instance `host` addresses, or undefined to hand the request to node:http. */
  route(host: string): Promise<LaneTarget | undefined>;
  /**
   * Marks an exchange in flight for idle tracking and returns its release; undefined when the
   * instance is being put to sleep (the request is then handed to node:http, which waits and wakes).
   */
  begin(target: LaneTarget): (() => void) | undefined;
  /** Gives the connection, with `buffered` bytes not yet parsed, to node:http for good. */
  handoff(socket: Socket, buffered: Buffer): void;
  /** Called once per exchange when it is over. */
  finished(exchange: LaneExchange): void;
  /** The proxy's answer for an exchange whose tenant could not be reached. */
  failure(target: LaneTarget, error: Error): Promise<ProxyError>;
  /** An upstream misbehaved (logged). */
  upstreamError(target: LaneTarget, error: Error): void;
}

/** Timings of the lane. */
export interface FastLaneOptions {
  /** Scheme the clients used (`X-Forwarded-Proto`). */
  proto: 'http' | 'https';
  /** A request head not complete this long after its first byte closes the connection (ms). */
  headersTimeoutMs: number;
  /** A request body not complete this long after its head closes the connection (ms). */
  requestTimeoutMs: number;
  /** An idle connection between requests is closed after this long (ms). */
  keepAliveTimeoutMs: number;
}

/**
 * How long a connection reuses its last route for the same Host without asking again (ms): as
 * long as the directory's own cache, and only while its tenant connection is open (the same
 * process). A tenant that stops meanwhile closes that connection, and the next request asks.
 */
const ROUTE_REUSE_MS = 1_000;

/** Largest request (head + body) kept to be replayed through node:http when the tenant was not reached. */
const MAX_REPLAY_BYTES = 64 * 1024;
/** Methods safe to send again when a reused connection dropped before any answer. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** The request/response pair in progress on one connection. */
interface Exchange {
  head: RequestHead;
  target: LaneTarget;
  startedAt: number;
  release: () => void;
  /** Request body bytes still to forward. */
  bodyLeft: number;
  /** The request's bytes as received, while small enough to replay; undefined once too big. */
  replay: Buffer[] | undefined;
  replayBytes: number;
  /** Response bytes forwarded to the client so far (0: the exchange can still be answered or replayed). */
  sent: number;
  /** Response head bytes received while the head is incomplete. */
  headParts: Buffer[];
  headBytes: number;
  response: ResponseHead | undefined;
  /** Body bytes left of a length-framed response. */
  bodyLeftUp: number;
  chunked: ChunkedScanner | undefined;
  /** The upstream connection was opened for this exchange (a failure means it was never reached). */
  fresh: boolean;
  /** The body's deadline, while the body is still arriving. */
  bodyTimer: NodeJS.Timeout | undefined;
}

/** Handles one client connection until it closes or is handed to node:http. */
export class LaneConnection {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private exchange: Exchange | undefined;
  private upstream: Socket | undefined;
  private upstreamUrl = '';
  private upstreamConnected = false;
  private routing = false;
  private clientEnded = false;
  private tunnel = false;
  /** The connection is closed or no longer the lane's (handed off). */
  private gone = false;
  /** An error answer is being written: nothing more is read. */
  private closing = false;
  /** Waiting for 'drain' on the upstream / the client. */
  private upPressure = false;
  private downPressure = false;
  /** The last route of this connection, reused for the same Host for ROUTE_REUSE_MS. */
  private lastHost = '';
  private lastTarget: LaneTarget | undefined;
  private lastRoutedAt = 0;
  /** The deadline of a head that has started but not ended (a slow client cannot hold a connection by trickling). */
  private headTimer: NodeJS.Timeout | undefined;

  private readonly onData = (chunk: Buffer): void => this.clientData(chunk);
  private readonly onEnd = (): void => this.clientEnd();
  private readonly onClose = (): void => this.clientClosed();
  private readonly onTimeout = (): void => {
    this.client.destroy();
  };
  private readonly onError = (): void => undefined; // 'close' follows

  /** Starts reading `client`. */
  constructor(
    private readonly client: Socket,
    private readonly hooks: FastLaneHooks,
    private readonly opts: FastLaneOptions,
  ) {
    client.setNoDelay(true);
    client.on('data', this.onData);
    client.on('end', this.onEnd);
    client.on('close', this.onClose);
    client.on('timeout', this.onTimeout);
    client.on('error', this.onError);
    client.setTimeout(opts.headersTimeoutMs);
  }

  // ---- client side -------------------------------------------------------------------------

  private clientData(chunk: Buffer): void {
    if (this.closing) return;
    if (this.tunnel) {
      this.upstream?.write(chunk);
      return;
    }
    const ex = this.exchange;
    if (ex !== undefined && ex.bodyLeft > 0) {
      const take = Math.min(ex.bodyLeft, chunk.length);
      const body = take === chunk.length ? chunk : chunk.subarray(0, take);
      ex.bodyLeft -= take;
      if (ex.bodyLeft === 0) clearTimeout(ex.bodyTimer);
      this.keepForReplay(ex, body);
      this.writeUp(body);
      if (take === chunk.length) return;
      chunk = chunk.subarray(take);
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.exchange === undefined && !this.routing) this.nextRequest();
    // A client sending far ahead of its answers waits for them (pipelining is bounded).
    else if (this.pendingBytes > MAX_HEAD_BYTES) this.client.pause();
  }

  /**
   * The client half-closed. As node:http does (without httpAllowHalfOpen), that aborts the
   * exchange in progress: an event stream the client ends must not stay open at the tenant.
   */
  private clientEnd(): void {
    this.clientEnded = true;
    if (this.routing || this.closing) return; // routed() and the error answer look at clientEnded
    this.abort();
    this.shutdown();
  }

  private clientClosed(): void {
    this.gone = true;
    this.clearHeadTimer();
    this.abort();
    this.killUpstream(); // an idle paired connection goes with its client
  }

  /** Ends the exchange in progress, if any, as aborted, and cuts its upstream. */
  private abort(): void {
    const ex = this.exchange;
    this.exchange = undefined;
    const up = this.upstream;
    if (ex !== undefined) {
      this.upstream = undefined;
      up?.destroy();
      this.finish(ex, ex.response?.status ?? 499, true);
    }
  }

  /** Parses the next buffered head and starts its exchange, or hands the connection over. */
  private nextRequest(): void {
    if (this.gone || this.closing) return;
    if (this.pendingBytes === 0) {
      this.client.setTimeout(this.opts.keepAliveTimeoutMs);
      if (this.clientEnded) this.shutdown();
      return;
    }
    const buf = this.flattenPending();
    const end = headEnd(buf);
    if (end < 0) {
      this.client.setTimeout(0);
      this.headTimer ??= setTimeout(() => this.client.destroy(), this.opts.headersTimeoutMs);
      if (buf.length > MAX_HEAD_BYTES) this.handoff(); // node:http answers 431
      return;
    }
    this.clearHeadTimer();
    const head = parseRequestHead(buf, end);
    if (head === undefined) return this.handoff();
    this.routing = true;
    this.client.setTimeout(0);
    const now = performance.now();
    // Reused only over a tenant connection still open: a new connection to a cached port could
    // reach another instance's tenant started on that port since.
    const open = this.upstream !== undefined && this.upstreamUrl === this.lastTarget?.endpoint.url;
    if (this.lastTarget !== undefined && open && head.host === this.lastHost && now - this.lastRoutedAt < ROUTE_REUSE_MS) {
      return this.routed(head, this.lastTarget);
    }
    this.hooks.route(head.host).then(
      (target) => {
        this.lastHost = head.host;
        this.lastTarget = target;
        this.lastRoutedAt = now;
        this.routed(head, target);
      },
      () => this.routed(head, undefined),
    );
  }

  private routed(head: RequestHead, target: LaneTarget | undefined): void {
    this.routing = false;
    if (this.gone) return;
    if (this.clientEnded) return this.shutdown();
    if (target === undefined) return this.handoff();
    // In flight from here on, so an idle sweep cannot stop the tenant under this request; checked
    // after the route (which awaited), so a sleep that began meanwhile is seen.
    const release = this.hooks.begin(target);
    if (release === undefined) return this.handoff();
    const buf = this.flattenPending();
    const headBytes = buf.subarray(0, head.size);
    let rest = buf.subarray(head.size);
    const bodyNow = Math.min(head.contentLength, rest.length);
    const body = rest.subarray(0, bodyNow);
    rest = rest.subarray(bodyNow);
    this.pending = rest.length === 0 ? [] : [rest];
    this.pendingBytes = rest.length;

    if (this.upstream !== undefined && this.upstreamUrl !== target.endpoint.url) this.dropUpstream();
    const fresh = this.upstream === undefined;
    if (fresh) this.openUpstream(target.endpoint);
    const ex: Exchange = {
      head,
      target,
      startedAt: performance.now(),
      release,
      bodyLeft: head.contentLength - bodyNow,
      replay: [],
      replayBytes: 0,
      sent: 0,
      headParts: [],
      headBytes: 0,
      response: undefined,
      bodyLeftUp: 0,
      chunked: undefined,
      fresh,
      bodyTimer: undefined,
    };
    if (ex.bodyLeft > 0) ex.bodyTimer = setTimeout(() => this.client.destroy(), this.opts.requestTimeoutMs);
    this.exchange = ex;
    this.keepForReplay(ex, headBytes);
    this.keepForReplay(ex, body);
    const address = this.client.remoteAddress ?? '';
    const upHead = upstreamHead(head, address, this.opts.proto);
    this.writeUp(body.length === 0 ? upHead : Buffer.concat([upHead, body]));
    if (this.pendingBytes > MAX_HEAD_BYTES) this.client.pause();
    else if (!this.upPressure) this.client.resume(); // paused while routing if the client sent ahead
  }

  private keepForReplay(ex: Exchange, bytes: Buffer): void {
    if (ex.replay === undefined || bytes.length === 0) return;
    ex.replayBytes += bytes.length;
    if (ex.replayBytes > MAX_REPLAY_BYTES) ex.replay = undefined;
    else ex.replay.push(bytes);
  }

  private flattenPending(): Buffer {
    if (this.pending.length > 1) this.pending = [Buffer.concat(this.pending)];
    return this.pending[0] ?? Buffer.alloc(0);
  }

  private clearHeadTimer(): void {
    clearTimeout(this.headTimer);
    this.headTimer = undefined;
  }

  /** Leaves the connection, and what it has buffered, to node:http. */
  private handoff(): void {
    this.clearHeadTimer();
    const buffered = this.flattenPending();
    this.pending = [];
    this.pendingBytes = 0;
    this.dropUpstream();
    this.exchange = undefined;
    const c = this.client;
    c.pause(); // no 'data' may be emitted between removing our listener and node:http adding its own
    c.off('data', this.onData);
    c.off('end', this.onEnd);
    c.off('close', this.onClose);
    c.off('timeout', this.onTimeout);
    c.off('error', this.onError);
    c.setTimeout(0);
    this.gone = true;
    this.hooks.handoff(c, buffered);
  }

  // ---- upstream side -----------------------------------------------------------------------

  private openUpstream(endpoint: Endpoint): void {
    const up = connect({ host: endpoint.host, port: endpoint.port, noDelay: true });
    this.upstream = up;
    this.upstreamUrl = endpoint.url;
    this.upstreamConnected = false;
    let failure: Error | undefined;
    up.on('connect', () => {
      if (this.upstream === up) this.upstreamConnected = true;
    });
    up.on('data', (chunk: Buffer) => {
      if (this.upstream === up) this.upstreamData(chunk);
    });
    up.on('end', () => {
      if (this.upstream === up) this.upstreamEnd();
    });
    up.on('error', (err) => {
      failure = err;
    });
    up.on('close', () => {
      if (this.upstream === up) this.upstreamClosed(failure ?? new Error('the tenant closed the connection'));
    });
  }

  private dropUpstream(): void {
    const up = this.detachUpstream();
    up?.end();
    up?.destroySoon();
  }

  /** Drops the upstream connection at once (it broke the framing, or its client is gone). */
  private killUpstream(): void {
    this.detachUpstream()?.destroy();
  }

  /**
   * Forgets the upstream connection. A 'drain' never comes from a connection that is ended or
   * destroyed, so a wait for it is called off here and the client read again.
   */
  private detachUpstream(): Socket | undefined {
    const up = this.upstream;
    this.upstream = undefined;
    this.upstreamUrl = '';
    if (this.upPressure) {
      this.upPressure = false;
      if (!this.gone && !this.closing && this.pendingBytes <= MAX_HEAD_BYTES) this.client.resume();
    }
    return up;
  }

  private writeUp(bytes: Buffer): void {
    const up = this.upstream;
    if (up === undefined || bytes.length === 0) return;
    if (!up.write(bytes) && !this.upPressure) {
      this.upPressure = true;
      this.client.pause();
      up.once('drain', () => {
        if (this.upstream !== up || !this.upPressure) return; // detachUpstream() took care of it
        this.upPressure = false;
        if (!this.gone && this.pendingBytes <= MAX_HEAD_BYTES) this.client.resume();
      });
    }
  }

  private writeDown(bytes: Buffer, ex: Exchange): void {
    ex.sent += bytes.length;
    if (!this.client.write(bytes) && !this.downPressure) {
      this.downPressure = true;
      const up = this.upstream;
      up?.pause();
      this.client.once('drain', () => {
        this.downPressure = false;
        up?.resume();
      });
    }
  }

  private upstreamData(chunk: Buffer): void {
    // One write to the client per chunk read: the response head and the body bytes read with it
    // would otherwise go out as two writes (two system calls, two packets with noDelay).
    this.client.cork();
    try {
      this.consumeUpstream(chunk);
    } finally {
      this.client.uncork();
    }
  }

  private consumeUpstream(chunk: Buffer): void {
    if (this.tunnel) {
      if (this.exchange !== undefined) this.writeDown(chunk, this.exchange);
      else this.client.write(chunk);
      return;
    }
    const ex = this.exchange;
    if (ex === undefined) {
      // Bytes nobody asked for: the tenant broke the framing. Cut both sides.
      this.client.destroy();
      return;
    }
    while (chunk.length > 0) {
      if (ex.response === undefined) {
        const rest = this.readResponseHead(ex, chunk);
        if (rest === undefined) return;
        chunk = rest;
        continue;
      }
      this.forwardBody(ex, chunk);
      return;
    }
  }

  /** Collects the response head; returns the bytes after it, or undefined when more are needed (or it failed). */
  private readResponseHead(ex: Exchange, chunk: Buffer): Buffer | undefined {
    const from = ex.headBytes;
    ex.headParts.push(chunk);
    ex.headBytes += chunk.length;
    const buf = ex.headParts.length === 1 ? chunk : Buffer.concat(ex.headParts);
    const end = headEnd(buf, from);
    if (end < 0) {
      if (buf.length > MAX_RESPONSE_HEAD_BYTES) this.upstreamProtocolError(ex, new Error('response head too large'));
      else if (ex.headParts.length > 1) ex.headParts = [buf];
      return undefined;
    }
    const head = parseResponseHead(buf, end, ex.head.method);
    if (head === undefined) {
      this.upstreamProtocolError(ex, new Error('malformed response head'));
      return undefined;
    }
    ex.headParts = [];
    ex.headBytes = 0;
    this.writeDown(buf.subarray(0, end), ex);
    const rest = buf.subarray(end);
    if (head.upgrade) {
      ex.response = head;
      this.startTunnel(ex, rest);
      return undefined;
    }
    if (head.status < 200) return rest; // 1xx: the real head follows
    ex.response = head;
    if (head.framing.kind === 'length') ex.bodyLeftUp = head.framing.length;
    if (head.framing.kind === 'chunked') ex.chunked = new ChunkedScanner();
    if (head.framing.kind === 'none' || (head.framing.kind === 'length' && head.framing.length === 0)) {
      this.bodyComplete(ex, rest.length > 0);
      return undefined;
    }
    return rest;
  }

  /**
   * The response is complete. Bytes after it (`extra`) mean the tenant broke the framing: that
   * connection is dropped first, so the next request (which may start at once) opens another.
   */
  private bodyComplete(ex: Exchange, extra: boolean): void {
    if (extra) {
      this.hooks.upstreamError(ex.target, new Error('the tenant sent bytes after its response'));
      this.killUpstream();
    }
    this.responseDone(ex);
  }

  /** Forwards body bytes, and ends the exchange when the body is complete. */
  private forwardBody(ex: Exchange, chunk: Buffer): void {
    const framing = ex.response?.framing.kind;
    if (framing === 'length') {
      const take = Math.min(ex.bodyLeftUp, chunk.length);
      ex.bodyLeftUp -= take;
      this.writeDown(take === chunk.length ? chunk : chunk.subarray(0, take), ex);
      if (ex.bodyLeftUp === 0) this.bodyComplete(ex, take < chunk.length);
      return;
    }
    if (framing === 'chunked' && ex.chunked !== undefined) {
      let end: number;
      try {
        end = ex.chunked.scan(chunk);
      } catch (err) {
        this.upstreamProtocolError(ex, err instanceof ChunkedError ? err : new Error(String(err)));
        return;
      }
      if (end < 0) return this.writeDown(chunk, ex);
      this.writeDown(end === chunk.length ? chunk : chunk.subarray(0, end), ex);
      this.bodyComplete(ex, end < chunk.length);
      return;
    }
    this.writeDown(chunk, ex); // until the tenant closes
  }

  private startTunnel(ex: Exchange, rest: Buffer): void {
    this.tunnel = true;
    if (rest.length > 0) this.writeDown(rest, ex);
    const buffered = this.flattenPending();
    this.pending = [];
    this.pendingBytes = 0;
    if (buffered.length > 0) this.writeUp(buffered);
    this.client.resume();
  }

  private upstreamEnd(): void {
    const ex = this.exchange;
    if (ex === undefined) {
      // An idle connection the tenant closed (its keep-alive timeout): the next request opens another.
      this.dropUpstream();
      return;
    }
    if (this.tunnel || ex.response?.framing.kind === 'close') {
      this.responseDone(ex);
      return;
    }
    this.upstreamClosed(new Error('the tenant closed the connection before its response was complete'));
  }

  private upstreamClosed(error: Error): void {
    this.detachUpstream();
    const ex = this.exchange;
    if (ex === undefined) return;
    if (this.tunnel || ex.response?.framing.kind === 'close') return this.responseDone(ex);
    this.exchangeFailed(ex, error);
  }

  private upstreamProtocolError(ex: Exchange, error: Error): void {
    this.hooks.upstreamError(ex.target, error);
    this.killUpstream();
    this.exchangeFailed(ex, error);
  }

  /**
   * The tenant failed the exchange. Nothing sent yet: replay through node:http (which wakes or
   * restarts the instance as needed) when that cannot run the request twice, else answer with
   * the proxy's error. Something sent already: cut the client's connection, as the tenant did.
   */
  private exchangeFailed(ex: Exchange, error: Error): void {
    if (this.exchange !== ex) return;
    if (ex.sent > 0) {
      this.exchange = undefined;
      this.finish(ex, ex.response?.status ?? 502, true);
      this.client.destroy();
      return;
    }
    // A connection opened for this request that never connected: the tenant never saw it.
    const neverReached = ex.fresh && !this.upstreamConnected;
    this.lastTarget = undefined; // ask the router again next time
    const replayable = ex.replay !== undefined && ex.bodyLeft === 0 && (neverReached || IDEMPOTENT.has(ex.head.method));
    this.exchange = undefined;
    if (replayable && ex.replay !== undefined) {
      ex.release();
      this.pending = [...ex.replay, ...this.pending];
      this.pendingBytes += ex.replayBytes;
      this.handoff();
      return;
    }
    this.closing = true;
    this.client.pause();
    void this.hooks.failure(ex.target, error).then(
      (answer) => {
        this.finish(ex, answer.status, false);
        if (!this.gone) {
          this.client.end(errorResponse(answer));
          this.client.destroySoon();
        }
      },
      () => {
        this.finish(ex, 502, true);
        this.client.destroy();
      },
    );
  }

  /** The response is complete: account for it and go on with the next request or close. */
  private responseDone(ex: Exchange): void {
    if (this.exchange !== ex) return;
    this.exchange = undefined;
    this.finish(ex, ex.response?.status ?? 502, false);
    if (this.tunnel) return this.shutdown();
    const close = ex.head.close || ex.response?.close === true || ex.bodyLeft > 0 || this.clientEnded;
    if (close) return this.shutdown();
    this.client.resume();
    this.nextRequest();
  }

  private finish(ex: Exchange, status: number, aborted: boolean): void {
    clearTimeout(ex.bodyTimer);
    ex.release();
    this.hooks.finished({
      target: ex.target,
      method: ex.head.method,
      host: ex.head.host,
      path: ex.head.target,
      status,
      ms: Math.round(performance.now() - ex.startedAt),
      aborted,
    });
  }

  /** Ends both connections once what was written has gone out. */
  private shutdown(): void {
    this.dropUpstream();
    this.client.end();
    this.client.destroySoon();
  }
}
