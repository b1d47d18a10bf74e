#!/usr/bin/env node
// Builds a single-page app (the web console, a tenant's dashboard): a type check of its sources,
// then Vite, then brotli/gzip copies of its text files. Skipped when the build is newer than every
// source, so the bootstrap stays quick; `force` builds anyway.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

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

/**
 * Builds the app in `app` (with its tsconfig.json and vite.config.ts) when one of `sources`
 * changed since the last build (or always with `force`).
 */
export async function buildSpa({ root, app, name, sources, log = () => {}, force = false }) {
  const built = newest(join(app, 'dist', 'index.html'));
  if (!force && built > 0 && built >= Math.max(...sources.map(newest))) return;
  log(`building ${name} (type check + vite)`);
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(app, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error(`${name} does not type-check (tsc -p ${app})`);
  // Imported here, not at the top: the bootstrap loads this file before `npm ci` has run.
  const { build } = await import('vite');
  await build({ root: app, configFile: join(app, 'vite.config.ts'), logLevel: 'warn' });
  precompress(join(app, 'dist'));
}

/**
 * Writes `x.br` and `x.gz` next to every text file of the build over 1 KiB, so the server serves
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
