/**
 * The app's own code in the data dir (`hooks/`, PocketBase's pb_hooks): every `*.js` / `*.mjs`
 * there, in name order, exports a default function that receives the BurrowApp and a toolkit
 * (middlewares and errors, so the file needs no imports) and binds hooks, routes and crons:
 *
 *   export default (app, { requireAuth, badRequest }) => {
 *     app.onServe((e) => { e.router.get('/api/hello', () => ({ hello: 'world' }), requireAuth()); e.next(); });
 *   };
 * `serve` loads them before the server is built; one that fails to load stops
 * the start with its file named (the platform then rolls a deploy back). What the code prints
 * goes to the instance's log.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ApiError, badRequest, forbidden, notFound, unauthorized } from '../tools/router/api_error.js';
import type { BurrowApp } from './create_app.js';
import { activityLogger, bodyLimit, rateLimit, requireAuth, requireSuperuserAuth } from './middlewares.js';

/** What a hooks file's function gets besides the app. */
export const HOOKS_TOOLKIT = Object.freeze({
  requireAuth, requireSuperuserAuth, activityLogger, rateLimit, bodyLimit, ApiError, badRequest, forbidden, notFound, unauthorized,
});

const HOOK_FILE = /^[A-Za-z0-9_.-]+\.(js|mjs)$/;

/** Thrown when a hooks file cannot be loaded or its function throws. */
export class HooksLoadError extends Error {
  constructor(readonly file: string, message: string) {
    super(`hooks/${file}: ${message}`);
  }
}

/** Loads `dir`'s hook files into `app`; returns their names (none when the directory does not exist). */
export async function loadUserHooks(app: BurrowApp, dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => HOOK_FILE.test(f)).sort();
  for (const file of files) {
    let mod: { default?: unknown };
    try {
      // A query per load: a restart onto new data in the same process re-reads the files.
      mod = (await import(`${pathToFileURL(join(dir, file)).href}?load=${Date.now()}`)) as { default?: unknown };
    } catch (err) {
      throw new HooksLoadError(file, `cannot be loaded: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (typeof mod.default !== 'function') throw new HooksLoadError(file, 'it must export a default function (app, toolkit) => { ... }');
    try {
      await (mod.default as (a: BurrowApp, toolkit: typeof HOOKS_TOOLKIT) => unknown)(app, HOOKS_TOOLKIT);
    } catch (err) {
      throw new HooksLoadError(file, `failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return files;
}
