/**
 * Bounded concurrency with de-duplication: at most `max` tasks run at once, a task waits
 * at most `maxWaitMs` for its turn, and callers asking for the same key while it runs share
 * its result (one thumb generation however many requests want it).
 */
export class KeyedLimiter {
  private running = 0;
  private readonly queue: Array<() => void> = [];
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly max: number, private readonly maxWaitMs: number) {}

  /** Runs `task` for `key`, or joins the run already in progress for that key. */
  run(key: string, task: () => Promise<void>): Promise<void> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const p = this.acquire().then(async () => {
      try {
        await task();
      } finally {
        this.release();
      }
    }).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  private acquire(): Promise<void> {
    if (this.running < this.max) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        this.running++;
        resolve();
      };
      const timer = setTimeout(() => {
        const i = this.queue.indexOf(grant);
        if (i >= 0) this.queue.splice(i, 1);
        reject(new Error(`waited more than ${this.maxWaitMs} ms for a free slot`));
      }, this.maxWaitMs);
      this.queue.push(grant);
    });
  }

  private release(): void {
    this.running--;
    this.queue.shift()?.();
  }
}
