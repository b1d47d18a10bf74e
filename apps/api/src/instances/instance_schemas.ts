/** Bodies and responses of the instance routes (validation and OpenAPI from one definition). */
import { z } from 'zod';
import { instanceNameProblem } from '@burrow/contracts';
import { fieldIssue } from '../common/validation.js';

/** An instance name: the contracts' rule (pattern + reserved names), with its codes. */
export const instanceNameSchema = z.string().superRefine((name, ctx) => {
  const problem = instanceNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', ...fieldIssue(problem.code, problem.message) });
});

/**
 * Names a secret may not take: they would change how the tenant process itself runs or what
 * it loads (the runtime refuses the same names: libs/runtime RESERVED_ENV), or are the platform's.
 */
const RESERVED_SECRET = /^(PATH|HOME|LANG|NODE_.*|OPENSSL_.*|SSL_.*|UV_.*|LD_.*|DYLD_.*|BURROW_.*)$/;

/** Environment variable names. */
export const secretNameSchema = z.string().superRefine((name, ctx) => {
  if (!/^[A-Z_][A-Z0-9_]{0,63}$/.test(name)) {
    ctx.addIssue({ code: 'custom', ...fieldIssue('validation_invalid_secret_name', 'Use 1-64 uppercase letters, digits and underscores, not starting with a digit.') });
  } else if (RESERVED_SECRET.test(name)) {
    ctx.addIssue({ code: 'custom', ...fieldIssue('validation_reserved_secret_name', 'This name is reserved by the platform.') });
  }
});

/** POST /api/instances. */
export const createInstanceSchema = z.strictObject({ name: instanceNameSchema });

/** Secrets change set: a value sets, null removes. */
export const secretsPatchSchema = z
  .record(z.string(), z.string().max(8192, 'Must be at most 8192 characters.').nullable())
  .superRefine((secrets, ctx) => {
    for (const name of Object.keys(secrets)) {
      const r = secretNameSchema.safeParse(name);
      if (!r.success) ctx.addIssue({ code: 'custom', path: [name], message: r.error.issues[0].message, params: (r.error.issues[0] as { params?: Record<string, unknown> }).params });
    }
    if (Object.keys(secrets).length > 100) ctx.addIssue({ code: 'custom', ...fieldIssue('validation_too_many', 'At most 100 secrets per request.') });
  });

/** GET /api/instances/name-availability?name= (the rules are checked in the answer, not as a 400). */
/** `?backups=delete`: the instance's platform backups and continuous backup go with it (kept otherwise). */
export const deleteQuerySchema = z.strictObject({ backups: z.enum(['keep', 'delete']).optional() });

export const nameQuerySchema = z.object({ name: z.string().max(100, 'Must be at most 100 characters.') });

/** Whether a name is free; `code` and `message` say why not (the same codes a create answers). */
export const nameAvailabilitySchema = z.object({
  name: z.string(),
  available: z.boolean(),
  code: z.string().optional(),
  message: z.string().optional(),
});

/** PATCH /api/instances/:id. */
export const updateInstanceSchema = z.strictObject({
  name: instanceNameSchema.optional(),
  power: z.enum(['on', 'off']).optional(),
  secrets: secretsPatchSchema.optional(),
});

/** The last job about an instance (the console's progress bar). */
export const jobViewSchema = z.object({
  id: z.string(), name: z.string(), state: z.enum(['queued', 'active', 'completed', 'failed']), percent: z.number(), step: z.string(), error: z.string().nullable(),
});

/** An instance as its owner sees it. */
export const instanceViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['provisioning', 'running', 'sleeping', 'stopped', 'failed', 'deleting']),
  statusReason: z.string().nullable(),
  power: z.enum(['on', 'off']),
  url: z.string(),
  secrets: z.array(z.string()),
  job: jobViewSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** GET /api/instances/:id/secrets. */
export const secretsViewSchema = z.object({ secrets: z.array(z.object({ name: z.string(), value: z.string(), updatedAt: z.string() })) });

/** POST /api/instances/:id/superuser-token. */
export const superuserTokenSchema = z.object({ token: z.string(), dashboardUrl: z.string() });
