/** Single-flight wake: concurrent requests for a sleeping instance share one `runtime.start`. */
import type { Endpoint, InstanceId, InstanceRuntime } from '@burrow/runtime';
import { ProxyError } from './api_error.js';
import { readServable } from './availability.js';
import type { InstanceDirectory, InstanceRecord } from './directory.js';
import type { ProxyMetrics } from './metrics.js';

/** Seconds a client is told to wait after a failed wake. */
const WAKE_RETRY_AFTER_SECONDS = 10;

/** Starts instances on demand, once per instance however many requests wait. */
export class InstanceWaker {
  private readonly inflight = new Map<InstanceId, Promise<Endpoint>>();

  /** `timeoutMs` bounds how long one request waits for a wake; `metrics` counts and times wakes. */
  constructor(
    private readonly runtime: InstanceRuntime,
    private readonly directory: InstanceDirectory,
    private readonly timeoutMs: number,
    private readonly metrics?: ProxyMetrics,
  ) {}

  /** Number of wakes in progress (for logs and tests). */
  get pending(): number {
    return this.inflight.size;
  }

  /**
   * Starts the instance (or joins the start in progress) and resolves its endpoint; rejects with
   * a 503 ProxyError when the start fails or takes longer than the timeout for this caller (the
   * start itself carries on, so later requests find it running), and with the status's own
   * answer when a fresh read shows the instance may no longer be served.
   */
  wake(record: InstanceRecord): Promise<Endpoint> {
    let start = this.inflight.get(record.id);
    if (start === undefined) {
      start = this.startOnce(record).finally(() => this.inflight.delete(record.id));
      this.inflight.set(record.id, start);
    }
    return withTimeout(start, this.timeoutMs, record.name);
  }

  private async startOnce(cached: InstanceRecord): Promise<Endpoint> {
    // The request's record may come from the directory's cache; starting a process is the one
    // step that must not act on a stale status (an owner's power-off, a delete) or stale secrets.
    const record = await readServable(this.directory, cached);
    const startedAt = performance.now();
    let endpoint: Endpoint;
    try {
      endpoint = await this.runtime.start({ id: record.id, env: record.env, continuousBackup: record.continuousBackup, litefs: record.litefs });
    } catch (cause) {
      this.metrics?.wakeFinished('failed', (performance.now() - startedAt) / 1000);
      throw new ProxyError(503, `The instance "${record.name}" could not be started.`, WAKE_RETRY_AFTER_SECONDS, {
        cause,
      });
    }
    this.metrics?.wakeFinished('ok', (performance.now() - startedAt) / 1000);
    // Recorded after every start (a no-op when already `running`): an idle sleep may have marked
    // it `sleeping` after this record was read.
    await this.directory.markStatus(record.id, 'running');
    // The owner may have powered it off (or deleted it) while it started: the worker's stop can
    // have run before this start, so undo the start rather than leave a tenant nobody wants.
    try {
      await readServable(this.directory, record);
    } catch (refused) {
      await this.runtime.stop(record.id).catch(() => undefined);
      throw refused;
    }
    return endpoint;
  }
}

function withTimeout(promise: Promise<Endpoint>, ms: number, name: string): Promise<Endpoint> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new ProxyError(503, `The instance "${name}" is still starting.`, WAKE_RETRY_AFTER_SECONDS));
    }, ms);
    promise.then(
      (endpoint) => {
        clearTimeout(timer);
        resolve(endpoint);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
