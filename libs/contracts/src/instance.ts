/** Instance states and names, shared by the api, the worker, the proxy and the console. */

/** Every state an instance can be in (DESIGN.md §4). */
export const INSTANCE_STATUSES = ['provisioning', 'running', 'sleeping', 'stopped', 'failed', 'deleting'] as const;

/** One of INSTANCE_STATUSES. */
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

/** Instance names: DNS-label-like, they become `<name>.<BASE_DOMAIN>`. */
export const INSTANCE_NAME_RE = /^[a-z][a-z0-9-]{2,39}$/;

/** Names no user may take: they collide with the platform's own hosts. */
export const RESERVED_INSTANCE_NAMES: ReadonlySet<string> = new Set([
  'api', 'www', 'admin', 'console', 'app', 'dashboard', 'proxy', 'mail', 'smtp', 'static', 'assets', 'cdn', 'docs',
  'status', 'metrics', 'health', 'auth', 'login', 'signup', 'support', 'help', 'burrow', 'root', 'system', 'internal',
]);

/** Why a name is refused, as a stable code and a message. */
export interface NameProblem {
  code: 'validation_required' | 'validation_invalid_name' | 'validation_reserved_name';
  message: string;
}

/** Checks an instance name; undefined when it can be used (uniqueness is the database's job). */
export function instanceNameProblem(name: unknown): NameProblem | undefined {
  if (typeof name !== 'string' || name === '') return { code: 'validation_required', message: 'Cannot be blank.' };
  if (!INSTANCE_NAME_RE.test(name) || name.endsWith('-') || name.includes('--')) {
    return {
      code: 'validation_invalid_name',
      message: 'Use 3-40 lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen.',
    };
  }
  if (RESERVED_INSTANCE_NAMES.has(name)) return { code: 'validation_reserved_name', message: 'This name is reserved.' };
  return undefined;
}
