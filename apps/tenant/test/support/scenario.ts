/**
 * The project's API scenarios run on the library's own helpers (`@burrow/tenant/testing`), as
 * apps built on Burrow do.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { runScenario, scenarios, type ApiScenario } from '../../src/testing/api_scenario.js';

/** Copies a fixture dir into a new temp dir. */
export function copyFixture(fixtureDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'burrow-scenario-'));
  cpSync(fixtureDir, dir, { recursive: true });
  return dir;
}

