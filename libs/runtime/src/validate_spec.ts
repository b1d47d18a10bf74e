/** Checks of an InstanceSpec that every driver makes before touching anything. */
import { RuntimeError } from './errors.js';
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
}
