/** Records in the directory what the runtime gives up on, so requests get the `failed` answer. */
import type { InstanceRuntimeDriver } from '@burrow/runtime';
import type { InstanceDirectory } from './directory.js';
import type { ProxyLogger } from './logger.js';

/** statusReason is shown to the owner; the runtime's reason quotes up to 20 log lines. */
const MAX_REASON_CHARS = 4_000;

/**
 * Marks an instance `failed` (from `running` or `sleeping` only) whenever the runtime reports it
 * failed: a crash loop, or a wake whose tenant never became healthy. Logs `instance failed`
 * once the write is done. Returns the unsubscribe function.
 */
export function recordRuntimeFailures(
  runtime: Pick<InstanceRuntimeDriver, 'onStateChange'>,
  directory: InstanceDirectory,
  logger: ProxyLogger,
): () => void {
  return runtime.onStateChange(({ id, status }) => {
    if (status.state !== 'failed') return;
    const reason = (status.reason ?? 'the runtime reported the tenant failed').slice(0, MAX_REASON_CHARS);
    directory.markStatus(id, 'failed', reason).then(
      (recorded) => logger.error('instance failed', { instance: id, recorded }),
      (err: unknown) => logger.error('instance failed; recording it failed too', { instance: id, error: String(err) }),
    );
  });
}
