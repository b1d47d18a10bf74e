/** The proxy's Prometheus metrics, on a registry each proxy owns (never prom-client's global one). */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Outcome of one wake (`runtime.start` for a request). */
export type WakeOutcome = 'ok' | 'failed';

/** Options of ProxyMetrics. */
export interface ProxyMetricsOptions {
  /** Also export Node process metrics (CPU, memory, event loop), prefixed `burrow_proxy_`. */
  processMetrics?: boolean;
}

/** Counters and histograms the proxy updates, and their text exposition. */
export class ProxyMetrics {
  /** The registry `GET /metrics` renders. */
  readonly registry = new Registry();
  /** Requests answered, by status code (`499`: the client left before any response). */
  readonly requests = new Counter({
    name: 'burrow_proxy_requests_total',
    help: 'Requests answered by the proxy (instance traffic and its own errors), by HTTP status code.',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  /** Seconds from the start of a wake until the tenant answered its health check. */
  readonly wakeSeconds = new Histogram({
    name: 'burrow_proxy_wake_seconds',
    help: 'Time from the start of a wake until the tenant is healthy.',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });
  /** Wakes by outcome. */
  readonly wakes = new Counter({
    name: 'burrow_proxy_wakes_total',
    help: 'Wakes of sleeping or stopped tenants, by outcome (ok, failed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  /** Idle instances put to sleep. */
  readonly sleeps = new Counter({
    name: 'burrow_proxy_sleeps_total',
    help: 'Idle instances stopped and marked sleeping.',
    registers: [this.registry],
  });

  /** Reads of replicated instances a replica answered with fly-replay (sent on to another node). */
  readonly replays = new Counter({
    name: 'burrow_proxy_replica_replays_total',
    help: 'Reads a LiteFS replica replayed (fly-replay) to another node.',
    registers: [this.registry],
  });

  /** Builds the metrics; process metrics only when asked (tests make many proxies). */
  constructor(opts: ProxyMetricsOptions = {}) {
    // Both series exist from the start, so a rate() over them is defined before the first failure.
    for (const outcome of ['ok', 'failed'] as const) this.wakes.inc({ outcome }, 0);
    if (opts.processMetrics === true) collectDefaultMetrics({ register: this.registry, prefix: 'burrow_proxy_' });
  }

  private readonly byStatus = new Map<number, { inc(): void }>();

  /** Counts one answered request (labelled children cached: this runs for every request). */
  countRequest(status: number): void {
    let child = this.byStatus.get(status);
    if (child === undefined) {
      child = this.requests.labels({ status: String(status) });
      this.byStatus.set(status, child);
    }
    child.inc();
  }

  /** Records one finished wake. */
  wakeFinished(outcome: WakeOutcome, seconds: number): void {
    this.wakes.inc({ outcome });
    if (outcome === 'ok') this.wakeSeconds.observe(seconds);
  }

  /** The Prometheus text exposition and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
