/**
 * The assignment a `standby` process receives on stdin (one JSON line from the platform's
 * process runtime), and the one place besides env.ts that touches the environment: a standby
 * takes on exactly the environment its assignment gives.
 *
 * Line: `{"args":["serve","--http","127.0.0.1:P","--dir","..."],"env":{...},"cwd":"/abs","logFile":"/abs"}`,
 * written by the platform's process runtime (libs/runtime `standby_pool.ts`, `StandbyAssignment`).
 */
import { isAbsolute } from 'node:path';

/** What a standby becomes: the CLI arguments to run, with this env, cwd and log file. */
export interface StandbyAssignment {
  /** CLI arguments; only `serve ...` is accepted (the one command worth pre-loading). */
  args: string[];
  /** The whole environment of the tenant (nothing of the standby's own is kept). */
  env: Record<string, string>;
  /** Working directory (absolute). */
  cwd: string;
  /** The instance log (absolute): stdout, stderr and crash stacks are appended to it. */
  logFile: string;
}

/** Longest assignment line accepted (an environment of secrets is a few KiB). */
export const MAX_ASSIGNMENT_BYTES = 1024 * 1024;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYS = ['args', 'cwd', 'env', 'logFile'];

/** Parses and validates one assignment line; throws an Error whose message says what is wrong. */
export function parseStandbyAssignment(line: string): StandbyAssignment {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error('the assignment is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the assignment must be a JSON object');
  const v = value as Record<string, unknown>;
  const unknown = Object.keys(v).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0) throw new Error(`unknown assignment field(s): ${unknown.join(', ')}`);
  const { args, env, cwd, logFile } = v;
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string' && !a.includes('\0')) || args[0] !== 'serve') {
    throw new Error('assignment.args must be string arguments starting with "serve"');
  }
  if (typeof env !== 'object' || env === null || Array.isArray(env)) throw new Error('assignment.env must be an object');
  for (const [name, val] of Object.entries(env)) {
    if (!ENV_NAME.test(name) || typeof val !== 'string' || val.includes('\0')) {
      throw new Error(`assignment.env.${name.slice(0, 64)}: expected a valid name with a string value`);
    }
  }
  for (const [name, path] of [['cwd', cwd], ['logFile', logFile]] as const) {
    if (typeof path !== 'string' || !isAbsolute(path) || path.includes('\0')) throw new Error(`assignment.${name} must be an absolute path`);
  }
  return { args: args as string[], env: env as Record<string, string>, cwd: cwd as string, logFile: logFile as string };
}

/**
 * Makes `process.env` exactly `env`: every variable the standby was spawned with is removed
 * first. Variables read while the code loaded (before the assignment) are only NODE_* ones,
 * which the runtime reserves, so the instance could not have set them differently anyway.
 */
export function replaceEnvironment(env: Readonly<Record<string, string>>): void {
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, env);
}
