#!/usr/bin/env node
// Assembles what a tenant needs at runtime from a built checkout, in the repository's layout:
//   apps/tenant/dist/burrow-tenant.bundle.mjs, apps/tenant/bin/burrow-tenant.mjs (runs the bundle),
//   apps/tenant/dashboard/dist/**, node_modules/ (better-sqlite3, sharp with its platform
//   packages, Litestream, and what they need at runtime).
// The tenant image (docker/Dockerfile.tenant) is this directory. Usage:
//   node scripts/pack_tenant.mjs --out DIR
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packMain, PackPlan, root, runtimeClosure } from './pack_modules.mjs';

/** The packages the bundle leaves external, and the Litestream binary it runs. */
const TENANT_NATIVE_PACKAGES = ['better-sqlite3', 'sharp', '@flydotio/litestream-linux-x64'];

const tenantDir = join(root, 'apps', 'tenant');

// The checkout's bin compares the bundle with the TypeScript build; a pack has only the bundle.
const BIN = `#!/usr/bin/env node
// Entry point of the \`burrow-tenant\` command in a packed tenant (scripts/pack_tenant.mjs):
// the one-file bundle; there is no TypeScript build beside it to compare with.
await import('../dist/burrow-tenant.bundle.mjs');
`;

/** Throws unless the bundle and the dashboard are built and the bundle is not older than the compiled CLI. */
function checkTenantBuilt() {
  const bundle = join(tenantDir, 'dist', 'burrow-tenant.bundle.mjs');
  if (!existsSync(bundle)) throw new Error('apps/tenant/dist/burrow-tenant.bundle.mjs is missing (run npm run setup)');
  const cli = join(tenantDir, 'dist', 'cli.js');
  if (existsSync(cli) && statSync(cli).mtimeMs > statSync(bundle).mtimeMs) {
    throw new Error('the tenant bundle is older than its TypeScript build (run node scripts/bundle_tenant.mjs)');
  }
  if (!existsSync(join(tenantDir, 'dashboard', 'dist', 'index.html'))) throw new Error('the tenant dashboard is not built (run node scripts/build_dashboard.mjs)');
}

/** Adds the tenant's bundle, its bin and the dashboard build (not its node_modules) to `plan`. */
export function addTenantApp(plan) {
  checkTenantBuilt();
  plan.file(join('apps', 'tenant', 'dist', 'burrow-tenant.bundle.mjs'));
  plan.text(join('apps', 'tenant', 'bin', 'burrow-tenant.mjs'), BIN, 0o755);
  plan.tree(join(tenantDir, 'dashboard', 'dist'), join('apps', 'tenant', 'dashboard', 'dist'));
}

/** The plan of a packed tenant. */
export function tenantPlan() {
  const plan = new PackPlan();
  addTenantApp(plan);
  for (const pkg of runtimeClosure(TENANT_NATIVE_PACKAGES, tenantDir)) plan.package(pkg);
  return plan;
}

/** Packs the tenant into `out` (replacing an earlier pack there); returns `out`, absolute. */
export function packTenant(out) {
  return tenantPlan().write(out);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) packMain('tenant', 'scripts/pack_tenant.mjs', tenantPlan);
