import { Injectable } from '@nestjs/common';

/**
 * One job at a time per instance in this worker. Every job about an instance goes to its
 * host's queue and one worker runs per host, so this keeps e.g. a power-off from racing a
 * power-on or a provision of the same instance (the queue runs up to `concurrency` jobs at once).
 */
@Injectable()
export class InstanceLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `fn` after every earlier `run` for `key` has settled. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release = (): void => undefined;
    const mine = new Promise<void>((resolve) => { release = resolve; });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
