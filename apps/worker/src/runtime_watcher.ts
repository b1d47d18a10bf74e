/** Mirrors what the runtime sees into instance status: a tenant in a crash loop becomes `failed`. */
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { parseId, type ControlInstanceId, type InstanceStore } from '@burrow/db';
import type { InstanceRuntimeDriver, StateChange } from '@burrow/runtime';
import { INSTANCES, RUNTIME } from './tokens.js';

/** Subscribes to the runtime's state changes while the application runs. */
@Injectable()
export class RuntimeWatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(RuntimeWatcher.name);
  private unsubscribe: (() => void) | undefined;
  private readonly writes = new Set<Promise<void>>();

  /** Takes the runtime and the instance rows. */
  constructor(
    @Inject(RUNTIME) private readonly runtime: Pick<InstanceRuntimeDriver, 'onStateChange'>,
    @Inject(INSTANCES) private readonly instances: Pick<InstanceStore, 'moveStatus'>,
  ) {}

  /** Nest lifecycle: start listening. */
  onApplicationBootstrap(): void {
    this.unsubscribe = this.runtime.onStateChange((change) => this.track(this.onChange(change)));
  }

  /** Nest lifecycle: stop listening and let pending writes land. */
  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    await Promise.all(this.writes);
  }

  /**
   * Only `failed` needs a write: the runtime gave up restarting. A crash it restarts from is
   * its own business, and starts and stops are recorded by the jobs that asked for them.
   */
  private async onChange(change: StateChange): Promise<void> {
    if (change.status.state !== 'failed') return;
    const id = parseId<ControlInstanceId>(change.id);
    if (!id) return;
    const reason = change.status.reason ?? 'the tenant keeps crashing';
    // Never over a delete in progress, and only for states in which the tenant was meant to run.
    if (await this.instances.moveStatus(id, ['running', 'sleeping', 'provisioning'], 'failed', reason)) {
      this.log.warn(`instance ${id} failed: ${reason.split('\n')[0]}`);
    }
  }

  private track(write: Promise<void>): void {
    const settled = write.catch((err: unknown) => this.log.error(`cannot record a runtime failure: ${err instanceof Error ? err.message : String(err)}`));
    this.writes.add(settled);
    void settled.finally(() => this.writes.delete(settled));
  }
}
