/** Asks a started tenant whether it answers, the way a client would (`GET /api/health`). */
import { setTimeout as delay } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { httpRequest, type Endpoint } from '@burrow/runtime';

/** Health checks of tenants over HTTP. */
@Injectable()
export class TenantProbe {
  /** Polls `/api/health` until 200, or throws after `timeoutMs` (a retryable failure). */
  async waitHealthy(endpoint: Endpoint, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    for (let pause = 25; ; pause = Math.min(pause * 2, 500)) {
      try {
        const res = await httpRequest(`${endpoint.url}/api/health`, { timeoutMs: 2_000 });
        if (res.status === 200) return;
        last = `HTTP ${res.status}`;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      if (Date.now() + pause > deadline) throw new Error(`the tenant at ${endpoint.url} did not answer /api/health (${last})`);
      // Polling is the only signal an external HTTP server gives; the deadline bounds it.
      await delay(pause);
    }
  }
}
