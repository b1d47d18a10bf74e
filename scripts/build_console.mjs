#!/usr/bin/env node
// Builds the web console (apps/console) into apps/console/dist, which the api serves at `/`
// (see build_spa.mjs; `--force` builds even when nothing changed).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSpa } from './build_spa.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const app = join(root, 'apps', 'console');
const SOURCES = [join(app, 'src'), join(app, 'public'), join(app, 'index.html'), join(app, 'vite.config.ts'), join(app, 'package.json'), join(root, 'libs', 'contracts', 'src', 'instance.ts')];

/** Builds the console when a source changed since the last build (or always with `force`). */
export function buildConsole({ log = () => {}, force = false } = {}) {
  return buildSpa({ root, app, name: 'the web console', sources: SOURCES, log, force });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildConsole({ log: (m) => process.stdout.write(`[build] ${m}\n`), force: process.argv.includes('--force') });
