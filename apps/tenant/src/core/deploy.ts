/**
 * Deploys of an app's own code into its data dir: a bundle (`hooks/*.js|mjs`,
 * `migrations/*.js|mjs`) replaces `hooks/` and `migrations/` as a whole, the previous ones kept
 * in `.deploy_previous/` so a deploy that does not start can be rolled back. Paths are checked
 * (no other directory, no `..`), sizes bounded; nothing is changed on a bad bundle.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a bundle may hold: file path (`hooks/x.js`) -> content. */
export interface DeployBundle {
  files: Record<string, string>;
}

/** The directories a deploy replaces. */
export const DEPLOY_DIRS = ['hooks', 'migrations'] as const;
/** `hooks/<name>.js|mjs` or `migrations/<name>.js|mjs`; names of letters, digits, `_`, `-`, `.`. */
export const DEPLOY_PATH = /^(hooks|migrations)\/[A-Za-z0-9_-][A-Za-z0-9_.-]{0,120}\.(js|mjs)$/;
export const MAX_BUNDLE_FILES = 200;
export const MAX_BUNDLE_BYTES = 5 * 1024 * 1024;

const STAGING = '.deploy_staging';
const PREVIOUS = '.deploy_previous';
const FAILED = '.deploy_failed';

/** Thrown for a bundle that cannot be deployed (the message says why). */
export class DeployError extends Error {}

/** Checks a bundle's shape, paths and size; throws DeployError. */
export function checkBundle(raw: unknown): DeployBundle {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new DeployError('the bundle must be an object {"files": {"hooks/x.js": "..."}}');
  const files = (raw as { files?: unknown }).files;
  if (files === null || typeof files !== 'object' || Array.isArray(files)) throw new DeployError('the bundle needs "files": an object of path -> content');
  const entries = Object.entries(files as Record<string, unknown>);
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

/** Puts the bundle's hooks/ and migrations/ in place of the current ones (kept as the previous deploy). */
export function applyBundle(dataDir: string, bundle: DeployBundle): { files: number } {
  const staging = join(dataDir, STAGING);
  rmSync(staging, { recursive: true, force: true });
  for (const dir of DEPLOY_DIRS) mkdirSync(join(staging, dir), { recursive: true });
  for (const [path, content] of Object.entries(bundle.files)) writeFileSync(join(staging, path), content, { mode: 0o644 });
  const previous = join(dataDir, PREVIOUS);
  rmSync(previous, { recursive: true, force: true });
  mkdirSync(previous, { recursive: true });
  for (const dir of DEPLOY_DIRS) {
    if (existsSync(join(dataDir, dir))) renameSync(join(dataDir, dir), join(previous, dir));
    renameSync(join(staging, dir), join(dataDir, dir));
  }
  rmSync(staging, { recursive: true, force: true });
  return { files: Object.keys(bundle.files).length };
}

/** Puts the previous deploy back (the failed one kept in `.deploy_failed/` for a look); false when there is none. */
export function rollbackBundle(dataDir: string): boolean {
  const previous = join(dataDir, PREVIOUS);
  if (!existsSync(previous)) return false;
  const failed = join(dataDir, FAILED);
  rmSync(failed, { recursive: true, force: true });
  mkdirSync(failed, { recursive: true });
  for (const dir of DEPLOY_DIRS) {
    if (existsSync(join(dataDir, dir))) renameSync(join(dataDir, dir), join(failed, dir));
    if (existsSync(join(previous, dir))) renameSync(join(previous, dir), join(dataDir, dir));
  }
  rmSync(previous, { recursive: true, force: true });
  return true;
}
