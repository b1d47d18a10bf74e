/** Which recorded statuses the proxy serves, and the answer for those it does not. */
import { ProxyError } from './api_error.js';
import type { InstanceDirectory, InstanceRecord } from './directory.js';

/** Retry-After seconds per unavailable status. */
export const RETRY_AFTER = { failed: 30, provisioning: 2, stopped: 60 } as const;

/** The answer for an unknown name, and for an instance being deleted (it is gone for its users). */
export function notFound(): ProxyError {
  return new ProxyError(404, 'The requested instance was not found.');
}

/** The answer for an instance the runtime (or the control DB) reports failed. */
export function failed(name: string): ProxyError {
  return new ProxyError(503, `The instance "${name}" has failed.`, RETRY_AFTER.failed);
}

/**
 * Undefined when requests for `record` may be forwarded (and it woken or restarted):
 * `running` and `sleeping`. Every other status is answered by the proxy and never woken:
 * `stopped` is the owner's power-off, `provisioning` and `deleting` belong to the worker.
 */
export function unavailable(record: InstanceRecord): ProxyError | undefined {
  switch (record.status) {
    case 'running':
    case 'sleeping':
      return undefined;
    case 'failed':
      return failed(record.name);
    case 'provisioning':
      return new ProxyError(503, `The instance "${record.name}" is being provisioned.`, RETRY_AFTER.provisioning);
    case 'stopped':
      return new ProxyError(503, `The instance "${record.name}" is stopped.`, RETRY_AFTER.stopped);
    case 'deleting':
      return notFound();
  }
}

/**
 * The instance's record read past the directory's cache; throws the proxy's answer (404, 503)
 * when it is gone, has become another instance, or may not be served. Used wherever acting on
 * a cached status could be wrong: before and after a wake, and to explain a dead upstream.
 */
export async function readServable(directory: InstanceDirectory, known: Pick<InstanceRecord, 'id' | 'name'>): Promise<InstanceRecord> {
  const record = await directory.findByName(known.name, { fresh: true });
  if (record === undefined || record.id !== known.id) throw notFound();
  const refused = unavailable(record);
  if (refused !== undefined) throw refused;
  return record;
}

/**
 * Why a tenant that was just forwarded to did not answer, when the control DB knows better than
 * a 502 (it was stopped or deleted a moment ago): that answer, else undefined.
 */
export function explainUnreachable(directory: InstanceDirectory, known: Pick<InstanceRecord, 'id' | 'name'>): Promise<ProxyError | undefined> {
  return readServable(directory, known).then(
    () => undefined,
    (refused: unknown) => (refused instanceof ProxyError ? refused : undefined),
  );
}
