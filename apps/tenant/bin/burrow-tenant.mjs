#!/usr/bin/env node
// Entry point of the `burrow-tenant` command: runs the compiled CLI (`npm run build` or the
// README's setup compiles it). The setup also writes a one-file bundle of it, which starts in
// about half the time (every wake starts a tenant); it is used only while it is at least as
// new as the last TypeScript build, so a `tsc -b` without re-bundling never runs stale code.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(app, 'dist', 'cli.js');
const bundle = join(app, 'dist', 'burrow-tenant.bundle.mjs');
const buildInfo = join(app, 'tsconfig.tsbuildinfo');

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

if (!existsSync(cli)) {
  process.stderr.write('burrow-tenant is not built yet: run `npm run setup` at the repository root.\n');
  process.exit(1);
}
const useBundle = mtime(bundle) >= Math.max(mtime(buildInfo), mtime(cli));
await import(pathToFileURL(useBundle ? bundle : cli).href);
