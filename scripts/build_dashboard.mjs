#!/usr/bin/env node
// Builds a tenant's admin dashboard (apps/tenant/dashboard) into apps/tenant/dashboard/dist,
// which every tenant serves at `/_/` (see build_spa.mjs; `--force` builds even when nothing changed).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSpa } from './build_spa.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const app = join(root, 'apps', 'tenant', 'dashboard');
const SOURCES = [join(app, 'src'), join(app, 'public'), join(app, 'index.html'), join(app, 'vite.config.ts'), join(root, 'apps', 'tenant', 'package.json')];

/** Builds the dashboard when a source changed since the last build (or always with `force`). */
export function buildDashboard({ log = () => {}, force = false } = {}) {
  return buildSpa({ root, app, name: 'the tenant dashboard', sources: SOURCES, log, force });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildDashboard({ log: (m) => process.stdout.write(`[build] ${m}\n`), force: process.argv.includes('--force') });
