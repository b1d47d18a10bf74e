/** Records a runtime's state changes so tests await them instead of sleeping. */
import type { InstanceId, InstanceRuntimeDriver, RuntimeState } from '@burrow/runtime';
import { MemoryInstanceDirectory, type InstanceStatus, type ProxyWrittenStatus } from '../directory.js';

/** A log of state changes with awaitable positions. */
export class RuntimeEvents {
  readonly log: Array<{ id: InstanceId; state: RuntimeState }> = [];
  private readonly waiters = new Set<() => void>();
  private readonly unsubscribe: () => void;

  constructor(runtime: InstanceRuntimeDriver) {
    this.unsubscribe = runtime.onStateChange((change) => {
      this.log.push({ id: change.id, state: change.status.state });
      for (const wake of [...this.waiters]) wake();
    });
  }

  /** How many times `id` entered `state`. */
  count(id: InstanceId, state: RuntimeState): number {
    return this.log.filter((e) => e.id === id && e.state === state).length;
  }

  /** Resolves once `id` entered `state` at log position `from` or later. */
  waitFor(id: InstanceId, state: RuntimeState, from = 0): Promise<void> {
    return new Promise((resolve) => {
      const check = (): boolean => this.log.slice(from).some((e) => e.id === id && e.state === state);
      if (check()) return resolve();
      const waiter = (): void => {
        if (!check()) return;
        this.waiters.delete(waiter);
        resolve();
      };
      this.waiters.add(waiter);
    });
  }

  /** Stops listening. */
  close(): void {
    this.unsubscribe();
  }
}

/** Counts events (idle sweeps) and lets a test await the n-th next one. */
export class Counter {
  private value = 0;
  private readonly waiters: Array<{ target: number; resolve: () => void }> = [];

  /** Adds one. */
  readonly tick = (): void => {
    this.value += 1;
    for (const w of [...this.waiters]) {
      if (this.value >= w.target) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };

  /** Resolves after `n` more ticks. */
  waitMore(n: number): Promise<void> {
    const target = this.value + n;
    return new Promise((resolve) => this.waiters.push({ target, resolve }));
  }
}

/** A memory directory whose status writes can be awaited. */
export class ObservedDirectory extends MemoryInstanceDirectory {
  private readonly waiters = new Set<() => void>();

  override async markStatus(id: InstanceId, status: ProxyWrittenStatus): Promise<boolean> {
    const moved = await super.markStatus(id, status);
    for (const wake of [...this.waiters]) wake();
    return moved;
  }

  /** Resolves once the record named `name` has `status`. */
  async waitForStatus(name: string, status: InstanceStatus): Promise<void> {
    if ((await this.findByName(name))?.status === status) return;
    await new Promise<void>((resolve) => {
      const waiter = (): void => {
        void this.findByName(name).then((r) => {
          if (r?.status !== status || !this.waiters.delete(waiter)) return;
          resolve();
        });
      };
      this.waiters.add(waiter);
    });
  }
}
