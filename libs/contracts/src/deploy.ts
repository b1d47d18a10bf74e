/**
 * A deploy bundle: the app's own code for a hosted instance (`hooks/*.js|mjs`,
 * `migrations/*.js|mjs`), checked the same way by the control API (before it is queued) and by
 * the tenant (before anything in its data dir changes).
 */

/** File path (`hooks/x.js`) -> content. */
export interface DeployBundle {
  files: Record<string, string>;
}

/** The data-dir directories a deploy replaces as a whole. */
export const DEPLOY_DIRS = ['hooks', 'migrations'] as const;
/** `hooks/<name>.js|mjs` or `migrations/<name>.js|mjs`; names of letters, digits, `_`, `-`, `.`. */
export const DEPLOY_PATH = /^(hooks|migrations)\/[A-Za-z0-9_-][A-Za-z0-9_.-]{0,120}\.(js|mjs)$/;
export const MAX_BUNDLE_FILES = 200;
export const MAX_BUNDLE_BYTES = 5 * 1024 * 1024;

/** A bundle that cannot be deployed (the message says why). */
export class DeployError extends Error {}

/** Checks a bundle's shape, paths and size; throws DeployError. */
export function checkBundle(raw: unknown): DeployBundle {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new DeployError('the bundle must be an object {"files": {"hooks/x.js": "..."}}');
  const files = (raw as { files?: unknown }).files;
  if (files === null || typeof files !== 'object' || Array.isArray(files)) throw new DeployError('the bundle needs "files": an object of path -> content');
  const entries = Object.entries(files as Record<string, unknown>);
  if (entries.length === 0) throw new DeployError('the bundle holds no file');
  if (entries.length > MAX_BUNDLE_FILES) throw new DeployError(`a bundle holds at most ${MAX_BUNDLE_FILES} files`);
  let bytes = 0;
  for (const [path, content] of entries) {
    if (!DEPLOY_PATH.test(path) || path.includes('..')) throw new DeployError(`"${path}": only hooks/<name>.js|mjs and migrations/<name>.js|mjs can be deployed`);
    if (typeof content !== 'string') throw new DeployError(`"${path}": the content must be a string`);
    bytes += Buffer.byteLength(content);
  }
  if (bytes > MAX_BUNDLE_BYTES) throw new DeployError(`the bundle is larger than ${MAX_BUNDLE_BYTES / 1024 / 1024} MiB`);
  return { files: files as Record<string, string> };
}
