/**
 * Prometheus metrics of the control plane: the api's own requests, instances by status, job
 * queues and outcomes, plus the edge proxy's metrics (proxied requests, wakes) fetched from it
 * so that one scrape of the api covers the embedded stack.
 */
import { request } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PlatformConfig } from '@burrow/config';
import type { ControlDb } from '@burrow/db';
import type { JobProducer } from '@burrow/jobs';
import { CONFIG, DB, JOBS } from '../common/tokens.js';

/** The api's metrics and their exposition. */
@Injectable()
export class MetricsService {
  /** The registry (one per app instance: tests build several). */
  readonly registry = new Registry();
  /** Requests by method, route pattern and status. */
  readonly requests: Counter<'method' | 'route' | 'status'>;
  /** Request duration by route pattern. */
  readonly duration: Histogram<'route'>;

  constructor(@Inject(DB) db: ControlDb, @Inject(JOBS) jobs: JobProducer, @Inject(CONFIG) private readonly config: PlatformConfig) {
    this.requests = new Counter({ name: 'burrow_api_requests_total', help: 'Control API requests', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
    this.duration = new Histogram({ name: 'burrow_api_request_seconds', help: 'Control API request duration', labelNames: ['route'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry] });
    new Gauge({
      name: 'burrow_instances', help: 'Instances by status', labelNames: ['status'], registers: [this.registry],
      async collect() {
        this.reset();
        for (const g of await db.instance.groupBy({ by: ['status'], _count: { _all: true } })) this.set({ status: g.status }, g._count._all);
      },
    });
    new Gauge({
      name: 'burrow_job_runs', help: 'Last outcome of each job intent, by job and state', labelNames: ['name', 'state'], registers: [this.registry],
      async collect() {
        this.reset();
        for (const g of await db.jobRun.groupBy({ by: ['name', 'state'], _count: { _all: true } })) this.set({ name: g.name, state: g.state }, g._count._all);
      },
    });
    new Gauge({
      name: 'burrow_queue_jobs', help: 'Jobs in the queues by state (absent while Redis is down)', labelNames: ['queue', 'state'], registers: [this.registry],
      async collect() {
        this.reset();
        if (!(await jobs.available())) return;
        for (const [queue, counts] of Object.entries(await jobs.counts())) for (const [state, n] of Object.entries(counts)) this.set({ queue, state }, n);
      },
    });
  }

  /** Prometheus text: this process's metrics followed by the proxy's. */
  async exposition(): Promise<string> {
    const own = await this.registry.metrics();
    const proxy = await this.proxyMetrics();
    return `${own}\n# HELP burrow_proxy_up Whether the api could read the proxy's metrics\n# TYPE burrow_proxy_up gauge\nburrow_proxy_up ${proxy ? 1 : 0}\n${proxy ?? ''}`;
  }

  private proxyMetrics(): Promise<string | undefined> {
    return new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port: this.config.proxyPort, path: '/metrics', timeout: 1000, headers: { host: '127.0.0.1' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(res.statusCode === 200 ? Buffer.concat(chunks).toString('utf8') : undefined));
        res.on('error', () => resolve(undefined));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(undefined));
      req.end();
    });
  }
}
