/** Per-instance activity tracking and the sweep that puts idle instances to sleep. */
import type { InstanceId } from '@burrow/runtime';

/** Options of the idle tracker. */
export interface IdleTrackerOptions {
  /** Idle time after which an instance sleeps (ms); 0 disables sleeping. */
  idleTimeoutMs: number;
  /** How often idle instances are looked for (default: a quarter of the timeout, 50 ms to 5 s). */
  sweepMs?: number;
  /** Puts one instance to sleep (stop it, record it); errors are reported through `onError`. */
  sleep: (id: InstanceId) => Promise<void>;
  /** Called when `sleep` fails. */
  onError?: (id: InstanceId, error: unknown) => void;
  /** Called after every sweep (observability; tests count sweeps instead of sleeping). */
  onSweep?: () => void;
  /** Time source in ms (default `Date.now`). */
  now?: () => number;
}

interface Activity {
  /** Requests in flight, long-lived streams (SSE) included until they close. */
  active: number;
  /** When the last exchange ended (or the first began). */
  lastActiveAt: number;
}

/**
 * Counts in-flight exchanges per instance. An instance sleeps only when nothing is in flight
 * and its last exchange ended more than `idleTimeoutMs` ago; an open SSE stream is an exchange
 * in flight, so it keeps the instance awake until it closes.
 */
export class IdleTracker {
  private readonly activity = new Map<InstanceId, Activity>();
  private readonly sleeping = new Map<InstanceId, Promise<void>>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  /** Nothing runs until `start()`. */
  constructor(private readonly opts: IdleTrackerOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Starts the (unref'd) sweep; a no-op when sleeping is disabled. */
  start(): void {
    if (this.opts.idleTimeoutMs <= 0 || this.timer !== undefined) return;
    const sweepMs = this.opts.sweepMs ?? Math.min(5_000, Math.max(50, Math.floor(this.opts.idleTimeoutMs / 4)));
    this.timer = setInterval(() => this.sweep(), sweepMs);
    this.timer.unref();
  }

  /** Stops the sweep (sleeps already under way finish on their own). */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Records the start of an exchange; call the returned function (once; later calls are ignored) when it ends. */
  begin(id: InstanceId): () => void {
    let entry = this.activity.get(id);
    if (entry === undefined) {
      entry = { active: 0, lastActiveAt: this.now() };
      this.activity.set(id, entry);
    }
    entry.active += 1;
    const tracked = entry;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      tracked.active -= 1;
      tracked.lastActiveAt = this.now();
    };
  }

  /**
   * Starts the idle clock of a running instance that has had no traffic through this proxy
   * (just provisioned, powered on, or running before the proxy started), so it sleeps too.
   */
  notice(id: InstanceId): void {
    if (this.activity.has(id) || this.sleeping.has(id)) return;
    this.activity.set(id, { active: 0, lastActiveAt: this.now() });
  }

  /** Exchanges in flight for this instance. */
  inFlight(id: InstanceId): number {
    return this.activity.get(id)?.active ?? 0;
  }

  /** A sleep of this instance is under way (requests must wait for it, then wake it). */
  isSleeping(id: InstanceId): boolean {
    return this.sleeping.has(id);
  }

  /** Resolves once a sleep under way for this instance (if any) has finished, so a wake does not race it. */
  async settled(id: InstanceId): Promise<void> {
    await this.sleeping.get(id)?.catch(() => undefined);
  }

  /** One pass: every instance idle for longer than the timeout is put to sleep. */
  sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.activity) {
      if (entry.active > 0 || this.sleeping.has(id)) continue;
      if (now - entry.lastActiveAt < this.opts.idleTimeoutMs) continue;
      // Dropped before sleeping: a request arriving now starts a fresh entry and waits in settled().
      this.activity.delete(id);
      const sleep = this.opts
        .sleep(id)
        .catch((err: unknown) => this.opts.onError?.(id, err))
        .finally(() => this.sleeping.delete(id));
      this.sleeping.set(id, sleep);
    }
    this.opts.onSweep?.();
  }
}
