#!/usr/bin/env node
// Bundles the compiled tenant CLI into one ES module (apps/tenant/dist/burrow-tenant.bundle.mjs).
// Why: every wake and every new instance starts a tenant process, and Node 20's ESM loader
// spends most of a cold start resolving and reading a few hundred small modules; one file
// starts in about half the time. better-sqlite3 and sharp stay external (native addons).
// bin/burrow-tenant.mjs uses the bundle only when it is newer than the last TypeScript build.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Writes the bundle; resolves when done. */
export async function bundleTenant() {
  // Imported here, not at the top: the bootstrap loads this file before `npm ci` has run.
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'apps', 'tenant', 'dist', 'cli.js')],
    outfile: join(root, 'apps', 'tenant', 'dist', 'burrow-tenant.bundle.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'sharp'],
    // Some bundled CommonJS dependencies call require() for Node built-ins.
    banner: { js: "import { createRequire as __burrowCreateRequire } from 'node:module'; const require = __burrowCreateRequire(import.meta.url);" },
    // Smaller source parses and compiles faster (most of a cold start); identifiers keep their
    // names so stack traces in the tenant's log stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleTenant();
