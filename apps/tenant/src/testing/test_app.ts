/**
 * Test helpers for apps built on Burrow (PocketBase's tests package): a fresh copy of a fixture
 * data dir per test, and record tokens for requests as a given user.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TenantApp } from '../core/app.js';
import { findAuthRecordByIdentity } from '../core/record_find.js';
import { newRecordToken } from '../core/tokens.js';
import { BurrowApp } from '../framework/create_app.js';

/** A BurrowApp on a throwaway copy of a fixture; `cleanup()` closes it and deletes the copy. */
export interface TestApp extends BurrowApp {
  cleanup(): void;
}

/**
 * Copies `fixtureDir` (a data dir, `pb_data`-like; omitted: an empty one) to a new temp dir and
 * opens it; `migrationsDir` applies those migrations when the server is built (default: the
 * copy's own `migrations/`, i.e. those of the fixture).
 */
export function newTestApp(fixtureDir?: string, opts: { migrationsDir?: string } = {}): TestApp {
  const root = mkdtempSync(join(tmpdir(), 'burrow-test-app-'));
  const dir = join(root, 'pb_data');
  if (fixtureDir !== undefined) {
    if (!existsSync(fixtureDir)) throw new Error(`the fixture ${fixtureDir} does not exist`);
    cpSync(fixtureDir, dir, { recursive: true });
  }
  const app = new BurrowApp({ dir, migrationsDir: opts.migrationsDir }) as TestApp;
  app.cleanup = () => {
    app.app.close();
    rmSync(root, { recursive: true, force: true });
  };
  return app;
}

/** An auth token of the record of `collection` whose email is `email` (throws when there is none). */
export function generateRecordToken(app: TenantApp | BurrowApp, collection: string, email: string): string {
  const tenant = app instanceof BurrowApp ? app.app : app;
  const c = tenant.collections.find(collection);
  if (!c || c.type !== 'auth') throw new Error(`"${collection}" is not an auth collection`);
  const record = findAuthRecordByIdentity(tenant, c, 'email', email);
  if (!record) throw new Error(`no record of "${collection}" has the email ${email}`);
  return newRecordToken(tenant, record, 'auth');
}
