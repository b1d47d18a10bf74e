/**
 * Deploys of an app's own code into its data dir: a bundle (`hooks/*.js|mjs`,
 * `migrations/*.js|mjs`) replaces `hooks/` and `migrations/` as a whole, the previous ones kept
 * in `.deploy_previous/` so a deploy that does not start can be rolled back. Paths are checked
 * (no other directory, no `..`), sizes bounded (@burrow/contracts); nothing is changed on a bad bundle.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEPLOY_DIRS, type DeployBundle } from '@burrow/contracts';

export { checkBundle, DeployError, type DeployBundle } from '@burrow/contracts';

const STAGING = '.deploy_staging';
const PREVIOUS = '.deploy_previous';
const FAILED = '.deploy_failed';

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
