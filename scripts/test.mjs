#!/usr/bin/env node
// Runs every test file of the repository with Node's test runner (TypeScript through tsx).
// Usage: node scripts/test.mjs [path-filter ...]   e.g. `node scripts/test.mjs filter` runs
// only the files whose path contains "filter".
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEARCH_ROOTS = ['apps', 'libs', 'e2e', 'examples'];
const SKIP_DIRS = new Set(['node_modules', 'dist', '.cache', 'data']);

function collect(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) collect(join(dir, e.name), out);
    } else if (e.name.endsWith('.test.ts')) {
      out.push(relative(root, join(dir, e.name)));
    }
  }
  return out;
}

const filters = process.argv.slice(2);
const files = SEARCH_ROOTS.flatMap((r) => collect(join(root, r), []))
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
  .sort();

if (files.length === 0) {
  process.stderr.write('no test files found\n');
  process.exit(1);
}

const args = ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files];
// tsx takes its compiler options from here (the Nest apps need legacy decorators).
const env = { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.tsx.json') };
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
process.exit(r.status ?? 1);
