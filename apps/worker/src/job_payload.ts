/** Validation of what arrives from Redis: a job is only handled once its name and payload check out. */
import { UnrecoverableError } from 'bullmq';
import { JOB_NAMES, type JobName, type JobPayloads } from '@burrow/contracts';
import { parseId, type ControlInstanceId } from '@burrow/db';

/** A payload after validation: the contract's fields, with the instance id branded. */
export type CheckedPayload<N extends JobName> = Omit<JobPayloads[N], 'instanceId'> & { instanceId: ControlInstanceId };

/** A job whose name is known and whose payload matches it. */
export type CheckedJob = { [N in JobName]: { name: N; payload: CheckedPayload<N> } }[JobName];

/** Deploy ids as the api makes them (a time and random letters): safe as a file name. */
const DEPLOY_ID = /^[0-9]{13}_[a-z0-9]{8}$/;

function isJobName(name: string): name is JobName {
  return (JOB_NAMES as readonly string[]).includes(name);
}

function backupName(job: string, value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^[a-z0-9_-]+\.zip$/.test(value) || value.length > 150) {
    throw new UnrecoverableError(`job "${job}": payload.${field} is not a valid backup name`);
  }
  return value;
}

function isoTime(job: string, value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > 40 || Number.isNaN(Date.parse(value))) {
    throw new UnrecoverableError(`job "${job}": payload.${field} is not a time`);
  }
  return new Date(value).toISOString();
}

/**
 * Checks a job's name and data (`{payload}` as @burrow/jobs queues it). Throws BullMQ's
 * UnrecoverableError: retrying a malformed job can never succeed.
 */
export function checkJob(name: string, data: unknown): CheckedJob {
  if (!isJobName(name)) throw new UnrecoverableError(`unknown job "${name}"`);
  const payload = typeof data === 'object' && data !== null ? (data as { payload?: unknown }).payload : undefined;
  if (typeof payload !== 'object' || payload === null) throw new UnrecoverableError(`job "${name}" has no payload object`);
  const fields = payload as Record<string, unknown>;
  const instanceId = parseId<ControlInstanceId>(fields.instanceId);
  if (instanceId === undefined) throw new UnrecoverableError(`job "${name}": payload.instanceId is not an instance id`);
  switch (name) {
    case 'instance.power': {
      const power = fields.power;
      if (power !== 'on' && power !== 'off') throw new UnrecoverableError(`job "${name}": payload.power must be "on" or "off"`);
      return { name, payload: fields.restart === true ? { instanceId, power, restart: true } : { instanceId, power } };
    }
    case 'instance.backup':
      // a scheduled run is named by the worker when it runs
      if (fields.scheduled === true) return { name, payload: { instanceId, name: '', scheduled: true } };
      return { name, payload: { instanceId, name: backupName(name, fields.name, 'name') } };
    case 'instance.restore': {
      const restore = { instanceId, name: backupName(name, fields.name, 'name'), undoName: backupName(name, fields.undoName, 'undoName') };
      if (fields.pointInTime === undefined) return { name, payload: restore };
      return { name, payload: { ...restore, pointInTime: isoTime(name, fields.pointInTime, 'pointInTime') } };
    }
    case 'instance.provision': {
      if (fields.fromBackup === undefined) return { name, payload: { instanceId } };
      const from = typeof fields.fromBackup === 'object' && fields.fromBackup !== null ? (fields.fromBackup as Record<string, unknown>) : {};
      const source = parseId<ControlInstanceId>(from.instanceId);
      if (source === undefined) throw new UnrecoverableError(`job "${name}": payload.fromBackup.instanceId is not an instance id`);
      const fromBackup = { instanceId: source, name: backupName(name, from.name, 'fromBackup.name') };
      if (from.pointInTime === undefined) return { name, payload: { instanceId, fromBackup } };
      return { name, payload: { instanceId, fromBackup: { ...fromBackup, pointInTime: isoTime(name, from.pointInTime, 'fromBackup.pointInTime') } } };
    }
    case 'instance.deprovision':
      return { name, payload: fields.deleteBackups === true ? { instanceId, deleteBackups: true } : { instanceId } };
    case 'instance.admin-sync':
      return { name, payload: { instanceId } } as CheckedJob;
    case 'instance.deploy': {
      const deployId = fields.deployId;
      if (typeof deployId !== 'string' || !DEPLOY_ID.test(deployId)) throw new UnrecoverableError(`job "${name}": payload.deployId is not a deploy id`);
      return { name, payload: { instanceId, deployId } };
    }
    case 'replica.add':
    case 'replica.remove': {
      const nodeId = fields.nodeId;
      if (typeof nodeId !== 'string' || !new RegExp(`^${instanceId}-r[0-9]{1,4}$`).test(nodeId)) {
        throw new UnrecoverableError(`job "${name}": payload.nodeId is not a replica of instance ${instanceId}`);
      }
      return { name, payload: { instanceId, nodeId } } as CheckedJob;
    }
  }
}
