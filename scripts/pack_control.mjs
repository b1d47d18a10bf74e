#!/usr/bin/env node
// Assembles the control plane (api, worker, proxy) from a built checkout, in the repository's
// layout: each app's and lib's package.json and compiled dist/, linked from node_modules/@burrow
// as npm links workspaces; the production dependencies they need at runtime; the console build;
// the SQL migrations (prisma/); the packed tenant (bundle, bin, dashboard: TENANT_BIN and the
// process runtime work inside the image too); and docker/launch_control.mjs, the image's entry.
// The control image (docker/Dockerfile.control) is this directory. Usage:
//   node scripts/pack_control.mjs --out DIR
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packMain, PackPlan, root, runtimeClosure } from './pack_modules.mjs';
import { addTenantApp } from './pack_tenant.mjs';

/** The roles the image runs; their workspaces and what those depend on make the closure. */
const ROLE_PACKAGES = ['@burrow/api', '@burrow/worker', '@burrow/proxy'];

/**
 * The query compilers the generated Prisma clients load: @prisma/client ships one per database
 * and variant (~70 MB), the clients import two.
 */
function prismaRuntimeFiles() {
  const names = new Set();
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name.endsWith('.js')) {
        for (const m of readFileSync(join(dir, entry.name), 'utf8').matchAll(/@prisma\/client\/runtime\/(query_compiler[\w.-]+)/g)) names.add(m[1]);
      }
    }
  };
  const generated = join(root, 'libs', 'db', 'dist', 'generated');
  if (!existsSync(generated)) throw new Error('libs/db/dist/generated is missing (run npm run setup)');
  walk(generated);
  if (names.size === 0) throw new Error('the generated Prisma clients load no query compiler that this script recognizes');
  return names;
}

/** Throws unless the apps are compiled and the console is built. */
function checkControlBuilt() {
  for (const app of ['api', 'worker', 'proxy']) {
    if (!existsSync(join(root, 'apps', app, 'dist', 'main.js'))) throw new Error(`apps/${app} is not compiled (run npm run setup)`);
  }
  if (!existsSync(join(root, 'apps', 'console', 'dist', 'index.html'))) throw new Error('the console is not built (run node scripts/build_console.mjs)');
}

/** The plan of a packed control plane. */
export function controlPlan() {
  checkControlBuilt();
  const prismaFiles = prismaRuntimeFiles();
  const plan = new PackPlan();
  for (const pkg of runtimeClosure(ROLE_PACKAGES, root)) {
    if (pkg.workspace) {
      const rel = relative(root, pkg.real);
      plan.file(join(rel, 'package.json'));
      plan.tree(join(pkg.real, 'dist'), join(rel, 'dist'));
      if (pkg.name === '@burrow/tenant') addTenantApp(plan);
      plan.link(pkg.path, rel);
    } else if (pkg.name === '@prisma/client') {
      plan.package(pkg, (rel) => {
        const [top, name] = rel.split(sep);
        return !(top === 'runtime' && name?.startsWith('query_compiler')) || prismaFiles.has(name);
      });
    } else {
      plan.package(pkg);
    }
  }
  plan.tree(join(root, 'apps', 'console', 'dist'), join('apps', 'console', 'dist'));
  plan.tree(join(root, 'prisma'), 'prisma');
  plan.file(join('docker', 'launch_control.mjs'));
  return plan;
}

/** Packs the control plane into `out` (replacing an earlier pack there); returns `out`, absolute. */
export function packControl(out) {
  return controlPlan().write(out);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) packMain('control plane', 'scripts/pack_control.mjs', controlPlan);
