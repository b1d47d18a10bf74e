#!/usr/bin/env node
// Builds the web console (apps/console) into apps/console/dist, which the api serves at `/`:
// a type check of its sources, then Vite. Skipped when the build is newer than every source,
// so the bootstrap stays quick; `--force` builds anyway.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const app = join(root, 'apps', 'console');
const SOURCES = [join(app, 'src'), join(app, 'public'), join(app, 'index.html'), join(app, 'vite.config.ts'), join(app, 'package.json'), join(root, 'libs', 'contracts', 'src', 'instance.ts')];

function newest(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), st.mtimeMs);
}

/** Builds the console when a source changed since the last build (or always with `force`). */
export async function buildConsole({ log = () => {}, force = false } = {}) {
  const built = newest(join(app, 'dist', 'index.html'));
  if (!force && built > 0 && built >= Math.max(...SOURCES.map(newest))) return;
  log('building the web console (type check + vite)');
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(app, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('the console does not type-check (tsc -p apps/console)');
  // Imported here, not at the top: the bootstrap loads this file before `npm ci` has run.
  const { build } = await import('vite');
  await build({ root: app, configFile: join(app, 'vite.config.ts'), logLevel: 'warn' });
  precompress(join(app, 'dist'));
}

/**
 * Writes `x.br` and `x.gz` next to every text file of the build over 1 KiB, so the api serves
 * them without compressing at start (it compresses itself only what has no copy).
 */
function precompress(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) precompress(path);
    else if (/\.(html|js|css|svg|json|txt|map)$/.test(entry.name)) {
      const body = readFileSync(path);
      if (body.length <= 1024) continue;
      writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
      writeFileSync(`${path}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildConsole({ log: (m) => process.stdout.write(`[build] ${m}\n`), force: process.argv.includes('--force') });
