/** An InstanceRuntime whose instances "run" at endpoints a test chooses (servers it owns). */
import type { Endpoint, InstanceId, InstanceRuntime, LogLine, RuntimeInstance, RuntimeStatus } from '@burrow/runtime';

/** The endpoint of a server on 127.0.0.1:port. */
export function endpointAt(port: number): Endpoint {
  return { host: '127.0.0.1', port, url: `http://127.0.0.1:${port}` };
}

/** Instances are running wherever `endpoints` says; start/stop only count calls. */
export class StaticRuntime implements InstanceRuntime {
  /** Where each instance answers (tests move them to simulate a restart). */
  readonly endpoints = new Map<InstanceId, Endpoint>();
  /** Calls of status(), per instance. */
  readonly statusCalls = new Map<InstanceId, number>();
  /** Called after each status() answer (tests move an instance between two lookups). */
  onStatus: ((id: InstanceId) => void) | undefined;

  async start(spec: { id: InstanceId }): Promise<Endpoint> {
    const endpoint = this.endpoints.get(spec.id);
    if (endpoint === undefined) throw new Error(`no endpoint for ${spec.id}`);
    return endpoint;
  }

  async stop(): Promise<void> {}

  async status(id: InstanceId): Promise<RuntimeStatus> {
    this.statusCalls.set(id, (this.statusCalls.get(id) ?? 0) + 1);
    const endpoint = this.endpoints.get(id);
    this.onStatus?.(id);
    return endpoint === undefined ? { state: 'stopped', restarts: 0 } : { state: 'running', endpoint, restarts: 0 };
  }

  async list(): Promise<RuntimeInstance[]> {
    return [];
  }

  async *logs(): AsyncIterable<LogLine> {}

  async remove(): Promise<void> {}

  // The proxy never backs up or restores: these only complete the contract.
  async backup(): Promise<{ size: number }> {
    throw new Error('StaticRuntime does not back up');
  }

  async restore(): Promise<void> {
    throw new Error('StaticRuntime does not restore');
  }

  async tenantCommand(): Promise<string> {
    throw new Error('StaticRuntime runs no tenant commands');
  }
}
