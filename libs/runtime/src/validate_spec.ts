/** Checks of an InstanceSpec that every driver makes before touching anything. */
import { RuntimeError } from './errors.js';
import { isInstanceId } from './instance_id.js';
import { validateInstanceEnv } from './process/env.js';
import type { InstanceSpec } from './types.js';

/** Throws RuntimeError `invalid_spec` for an env that is not all allowed strings or a limit that is not a positive number. */
export function validateSpec(spec: InstanceSpec): void {
  if (typeof spec.env !== 'object' || spec.env === null) {
    throw new RuntimeError('invalid_spec', 'spec.env must be an object of strings');
  }
  validateInstanceEnv(spec.env);
  for (const [name, value] of Object.entries(spec.limits ?? {})) {
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new RuntimeError('invalid_spec', `limit ${name} must be a positive number`);
    }
  }
  if (spec.litefs !== undefined) validateLiteFs(spec.litefs);
}

function validateLiteFs(l: InstanceSpec['litefs'] & object): void {
  if (l.role !== 'primary' && l.role !== 'replica') throw new RuntimeError('invalid_spec', 'litefs.role must be primary or replica');
  if (!Number.isInteger(l.port) || l.port < 1 || l.port > 65535) throw new RuntimeError('invalid_spec', 'litefs.port must be a TCP port');
  if (typeof l.primaryUrl !== 'string' || !/^http:\/\/127\.\d{1,3}\.\d{1,3}\.\d{1,3}:\d{1,5}$/.test(l.primaryUrl)) {
    throw new RuntimeError('invalid_spec', 'litefs.primaryUrl must be http://<loopback address>:<port>');
  }
  if (!isInstanceId(l.primaryId)) throw new RuntimeError('invalid_spec', 'litefs.primaryId must be an instance id');
  if (typeof l.primaryHostname !== 'string' || !/^[a-z0-9][a-z0-9.-]{0,62}$/.test(l.primaryHostname)) {
    throw new RuntimeError('invalid_spec', 'litefs.primaryHostname must be a hostname');
  }
}
