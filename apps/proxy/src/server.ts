/**
 * The edge server: Host header -> instance -> (wake if asleep) -> streamed forward. Connections
 * start in the fast lane (fast_lane.ts), which forwards plain requests for running instances
 * itself; everything else is handled here with node:http.
 */
import { Agent, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { needsPrimary } from '@burrow/contracts';
import type { Endpoint, InstanceId, InstanceRuntime } from '@burrow/runtime';
import { ProxyError, sendError } from './api_error.js';
import { explainUnreachable, failed, notFound, unavailable } from './availability.js';
import type { InstanceDirectory, InstanceRecord } from './directory.js';
import { LaneConnection, type FastLaneHooks, type LaneTarget } from './fast_lane.js';
import { forwardRequest, hasNoBody } from './forward.js';
import { instanceNameFromHost, isPlatformHost } from './host.js';
import { IdleTracker } from './idle.js';
import { silentLogger, type ProxyLogger } from './logger.js';
import { ProxyMetrics } from './metrics.js';
import { ReplicaRouter, type ClusterRecord } from './replicas.js';
import { InstanceWaker } from './wake.js';

/** Names the node of a replicated instance that answered (its primary's id is the instance's). */
const NODE_HEADER = 'x-burrow-node';

/** What `createProxyServer` takes. */
export interface ProxyServerOptions {
  /** Instance lookup by name and status recording. */
  directory: InstanceDirectory;
  /** Where instances run (started on wake, stopped on idle). */
  runtime: InstanceRuntime;
  /** `<name>.<baseDomain>` addresses instance `<name>`. */
  baseDomain: string;
  /** Idle time before an instance is stopped and marked sleeping (ms; 0 disables). */
  idleTimeoutMs: number;
  /** How often idle instances are looked for (default: derived from idleTimeoutMs). */
  idleSweepMs?: number;
  /** How long a request waits for a wake before a 503 (default 30 000 ms). */
  wakeTimeoutMs?: number;
  /** Grace given to a sleeping instance's SIGTERM (default: the runtime's). */
  sleepGraceMs?: number;
  /** Request and error log (default: silent). */
  logger?: ProxyLogger;
  /** Called after every idle sweep (observability; tests count sweeps). */
  onIdleSweep?: () => void;
  /** Where requests, wakes and sleeps are counted (default: a fresh ProxyMetrics). */
  metrics?: ProxyMetrics;
  /** A request head not complete this long after its first byte closes the connection (default 60 000 ms). */
  headersTimeoutMs?: number;
  /** A request not received in full this long after it began closes the connection (default 300 000 ms, as node:http). */
  requestTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this long (default 5 000 ms, as node:http). */
  keepAliveTimeoutMs?: number;
  /** A read replica further behind its primary than this gets no reads (default 2 000 ms). */
  replicaMaxLagMs?: number;
}

/** A created, not yet listening, proxy. */
export interface ProxyServer {
  /** Listens on `host` (default 127.0.0.1) and `port` (0 = any free one); resolves the bound port. */
  listen(port: number, host?: string): Promise<{ port: number }>;
  /** Stops accepting, cuts open connections (SSE too), stops the idle sweep. Instances keep running. */
  close(): Promise<void>;
  /** The metrics served at `GET /metrics` on the proxy's own host. */
  readonly metrics: ProxyMetrics;
}

/** Builds the proxy; see DESIGN.md §4 "Proxy" for the behaviour. */
export function createProxyServer(opts: ProxyServerOptions): ProxyServer {
  const logger = opts.logger ?? silentLogger;
  const metrics = opts.metrics ?? new ProxyMetrics();
  const agent = new Agent({ keepAlive: true, maxFreeSockets: 16 });
  const waker = new InstanceWaker(opts.runtime, opts.directory, opts.wakeTimeoutMs ?? 30_000, metrics);
  const replicas = new ReplicaRouter({ runtime: opts.runtime, maxLagMs: opts.replicaMaxLagMs ?? 2_000 });
  const idle = new IdleTracker({
    idleTimeoutMs: opts.idleTimeoutMs,
    sweepMs: opts.idleSweepMs,
    onSweep: () => {
      noticeRunning();
      opts.onIdleSweep?.();
    },
    sleep: async (id) => {
      // LiteFS nodes never sleep (their replicas would lose their primary): checked again here,
      // in case the scan that gave this one an idle clock missed its mount.
      if (await opts.runtime.replication?.(id)) return;
      await opts.runtime.stop(id, opts.sleepGraceMs === undefined ? {} : { graceMs: opts.sleepGraceMs });
      metrics.sleeps.inc();
      await opts.directory.markStatus(id, 'sleeping');
      logger.info('instance asleep', { instance: id });
    },
    onError: (id, error) => logger.error('idle stop failed', { instance: id, error: describe(error) }),
  });

  /** Running instances nobody has visited yet get an idle clock too (one scan at a time). */
  let scanning = false;
  function noticeRunning(): void {
    if (scanning || opts.idleTimeoutMs <= 0) return;
    scanning = true;
    void opts.runtime
      .list()
      .then(async (all) => {
        for (const found of all) {
          // LiteFS nodes (replicated instances) never sleep: their replicas would lose their primary.
          if (found.state === 'running' && !(await opts.runtime.replication?.(found.id))) idle.notice(found.id);
        }
      })
      .catch((err: unknown) => logger.error('idle scan failed', { error: describe(err) }))
      .finally(() => {
        scanning = false;
      });
  }

  /** The endpoint to forward to: asked of the runtime every time (it changes after a restart). */
  async function resolveEndpoint(record: InstanceRecord): Promise<Endpoint> {
    const status = await opts.runtime.status(record.id);
    if (status.state === 'running' && status.endpoint !== undefined) return status.endpoint;
    if (status.state === 'failed') throw failed(record.name);
    // Asleep, stopped by the idle sweep (here or by another proxy), starting or stopping: wake it.
    return waker.wake(record);
  }

  /** `GET /metrics` on the proxy's own host (not on an instance's, whose `/metrics` is the tenant's). */
  async function serveMetrics(res: ServerResponse): Promise<void> {
    const { contentType, body } = await metrics.render();
    res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
    res.end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const host = req.headers.host;
    const name = instanceNameFromHost(host, opts.baseDomain);
    if (name === undefined && isMetricsRequest(req) && isPlatformHost(host, opts.baseDomain)) {
      // Scrapes are not counted as requests: the counter would measure the scraper.
      return serveMetrics(res).catch((err: unknown) => {
        logger.error('metrics failed', { error: describe(err) });
        sendError(res, new ProxyError(500, 'Something went wrong.'));
      });
    }
    let instance: InstanceId | undefined;
    res.once('close', () => {
      metrics.countRequest(res.headersSent ? res.statusCode : 499);
      logger.info('request', {
        method: req.method,
        host,
        path: req.url,
        status: res.statusCode,
        instance,
        ms: Math.round(performance.now() - startedAt),
        aborted: !res.writableFinished,
        lane: 'http',
      });
    });
    try {
      const record = name === undefined ? undefined : await opts.directory.findByName(name);
      if (record === undefined) throw notFound();
      instance = record.id;
      const refused = unavailable(record);
      if (refused !== undefined) throw refused;
      if (res.destroyed || req.socket.destroyed) return; // gone while we looked it up: no 'close' to come
      if (record.cluster) {
        await forwardReplicated(req, res, record, record.cluster);
        return;
      }
      const release = idle.begin(record.id);
      res.once('close', release);
      await idle.settled(record.id);
      const endpoint = await resolveEndpoint(record);
      if (res.destroyed) return;
      const result = await forwardRequest(req, res, endpoint, {
        agent,
        proto: 'http',
        // A cached record can be a second old: if the api/worker stopped or deleted the
        // instance meanwhile, say so rather than answer a bare 502.
        explainFailure: () => explainUnreachable(opts.directory, record),
      });
      if (result.error !== undefined && !result.aborted) {
        logger.error('upstream unreachable', { instance, endpoint: endpoint.url, error: describe(result.error) });
      }
    } catch (err) {
      const error = err instanceof ProxyError ? err : new ProxyError(500, 'Something went wrong.', undefined, { cause: err });
      if (error.status >= 500) {
        logger.error(error.message, { instance, error: describe(error.cause ?? error) });
      }
      sendError(res, error);
    }
  }

  /**
   * A replicated instance (replicas.ts): primary-only requests go to the primary (the write's
   * transaction number is remembered for the client's next reads); reads try the qualifying
   * replicas in turn, each re-sent elsewhere when the node fails or answers `fly-replay`, and
   * end on the primary.
   */
  async function forwardReplicated(req: IncomingMessage, res: ServerResponse, record: InstanceRecord, cluster: ClusterRecord): Promise<void> {
    const explainFailure = () => explainUnreachable(opts.directory, record);
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // Only a request without a body can be sent to a replica and then again elsewhere.
    if (!needsPrimary(method, path) && hasNoBody(req)) {
      for (const node of await replicas.readers(record, cluster, replicas.requiredTx(record, req))) {
        if (res.destroyed) return;
        res.setHeader(NODE_HEADER, node.id);
        const result = await forwardRequest(req, res, node.endpoint, { agent, proto: 'http', replayable: true });
        if (result.retry) {
          replicas.markDown(node.id);
          logger.error('replica unreachable, read re-sent', { instance: record.id, node: node.id, error: describe(result.error) });
          continue;
        }
        if (result.replay === undefined) return;
        // A replay names the primary (static lease): straight there, not to another replica's wait.
        metrics.replays.inc();
        break;
      }
    }
    const endpoint = await resolveEndpoint(record);
    if (res.destroyed) return;
    res.setHeader(NODE_HEADER, record.id);
    const result = await forwardRequest(req, res, endpoint, { agent, proto: 'http', explainFailure });
    if (result.txnum !== undefined && result.status < 400) replicas.rememberWrite(record, req, result.txnum);
    if (result.error !== undefined && !result.aborted) logger.error('upstream unreachable', { instance: record.id, endpoint: endpoint.url, error: describe(result.error) });
  }

  /** The fast lane's route: only a running instance with a known endpoint; the rest goes to handle(). */
  async function route(host: string): Promise<LaneTarget | undefined> {
    const name = instanceNameFromHost(host, opts.baseDomain);
    if (name === undefined) return undefined;
    const record = await opts.directory.findByName(name);
    // Replicated instances route by method and path: the http path handles them.
    if (record === undefined || record.cluster !== undefined || unavailable(record) !== undefined) return undefined;
    const status = await opts.runtime.status(record.id);
    if (status.state !== 'running' || status.endpoint === undefined) return undefined;
    return { instance: record.id, endpoint: status.endpoint, name: record.name };
  }

  const laneHooks: FastLaneHooks = {
    route,
    begin: (target) => {
      const release = idle.begin(target.instance);
      if (!idle.isSleeping(target.instance)) return release;
      release();
      return undefined;
    },
    handoff: (socket, buffered) => {
      httpServer.emit('connection', socket);
      if (buffered.length > 0) socket.unshift(buffered);
      socket.resume();
    },
    finished: (x) => {
      metrics.countRequest(x.status);
      logger.info('request', { method: x.method, host: x.host, path: x.path, status: x.status, instance: x.target.instance, ms: x.ms, aborted: x.aborted, lane: 'fast' });
    },
    failure: async (target, error) => {
      logger.error('upstream unreachable', { instance: target.instance, endpoint: target.endpoint.url, error: describe(error) });
      const explained = await explainUnreachable(opts.directory, { id: target.instance, name: target.name });
      return explained ?? new ProxyError(502, 'The instance did not answer.');
    },
    upstreamError: (target, error) => logger.error('upstream protocol error', { instance: target.instance, endpoint: target.endpoint.url, error: describe(error) }),
  };
  const laneOptions = {
    proto: 'http' as const,
    headersTimeoutMs: opts.headersTimeoutMs ?? 60_000,
    requestTimeoutMs: opts.requestTimeoutMs ?? 300_000,
    keepAliveTimeoutMs: opts.keepAliveTimeoutMs ?? 5_000,
  };

  // node:http handles what the fast lane hands over; it never listens itself.
  const httpServer = createServer({ noDelay: true }, (req, res) => {
    void handle(req, res);
  });
  httpServer.headersTimeout = laneOptions.headersTimeoutMs;
  httpServer.requestTimeout = laneOptions.requestTimeoutMs;
  httpServer.keepAliveTimeout = laneOptions.keepAliveTimeoutMs;
  httpServer.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  const sockets = new Set<Socket>();
  // allowHalfOpen as node:http's own server has it: the sockets handed to it expect that.
  const server = createNetServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    new LaneConnection(socket, laneHooks, laneOptions);
  });

  return {
    metrics,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          // 'listening' is what starts node:http's headers/request timeout checks and its
          // connection list (closeAllConnections); the http server is fed, never listening.
          httpServer.emit('listening');
          idle.start();
          resolve({ port: (server.address() as AddressInfo).port });
        });
      });
    },
    close() {
      idle.stop();
      return new Promise((resolve) => {
        server.close(() => {
          agent.destroy();
          resolve();
        });
        httpServer.close(); // stops its timeout checks (it never listened, so no callback is needed)
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

function isMetricsRequest(req: IncomingMessage): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && (req.url === '/metrics' || req.url?.startsWith('/metrics?') === true);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
