import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Logger } from '@nestjs/common';
import type { InstanceStatus } from '@burrow/contracts';
import { parseInstanceId, type RuntimeState, type StateChange } from '@burrow/runtime';
import { RuntimeWatcher } from './runtime_watcher.js';

before(() => Logger.overrideLogger(false));

test('a tenant the runtime gave up on marks its instance failed; restarts write nothing', async () => {
  let listener: ((c: StateChange) => void) | undefined;
  const moves: string[] = [];
  const watcher = new RuntimeWatcher(
    { onStateChange: (l) => { listener = l; return () => { listener = undefined; }; } },
    { moveStatus: async (id: string, from: readonly InstanceStatus[], status: InstanceStatus, reason: string | null = null) => { moves.push(`${id} ${from.join('|')} -> ${status}: ${reason}`); return true; } },
  );
  watcher.onApplicationBootstrap();
  const change = (id: string, from: RuntimeState, state: RuntimeState, reason?: string): StateChange => ({ id: parseInstanceId(id), from, status: { state, restarts: 2, reason } });
  listener!(change('abcdefghijklmno', 'running', 'starting'));
  listener!(change('abcdefghijklmno', 'starting', 'running'));
  listener!(change('not-a-control-id', 'starting', 'failed', 'x'));
  listener!(change('abcdefghijklmno', 'starting', 'failed', 'crashed 5 times\nlast lines'));
  await watcher.onModuleDestroy();
  assert.deepEqual(moves, ['abcdefghijklmno running|sleeping|provisioning -> failed: crashed 5 times\nlast lines']);
  assert.equal(listener, undefined, 'unsubscribed at shutdown');
});
