#!/usr/bin/env node
// Entry point of the `burrow-tenant` command: runs the compiled CLI (`npm run build` or the
// README's setup compiles it).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('burrow-tenant is not built yet: run `npm run setup` at the repository root.\n');
  process.exit(1);
}
await import(pathToFileURL(cli).href);
