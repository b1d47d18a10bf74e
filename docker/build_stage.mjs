#!/usr/bin/env node
// The build stage of docker/Dockerfile.tenant and docker/Dockerfile.control, run with node only
// (exec-form RUN: the offline base image has no shell). Usage, from the build context's root:
//   node docker/build_stage.mjs tenant|control OUT
// With a packed tree in the context (.docker-build/<role>/, written by scripts/build_images.mjs
// on a machine that built the checkout already, e.g. one without a registry), OUT is a copy of it
// (or that tree itself: the Dockerfiles pass its path, so nothing is copied).
// Otherwise the context is the repository: build tools from apt when missing, `npm ci`, the
// TypeScript build, the bundle and the SPAs, then scripts/pack_<role>.mjs --out OUT.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const context = join(dirname(fileURLToPath(import.meta.url)), '..');
const [role, outArg] = process.argv.slice(2);
const ROLES = ['tenant', 'control'];

function step(msg) {
  process.stdout.write(`[build-stage] ${msg}\n`);
}

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: context, stdio: 'inherit', env });
  if (r.error) throw new Error(`${cmd} could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status ?? r.signal}`);
}

function has(cmd) {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A C/C++ toolchain and Python for node-gyp (better-sqlite3 compiles when no prebuilt is reachable). */
function installBuildTools() {
  if (has('g++') && has('make') && has('python3')) return;
  if (!has('apt-get')) throw new Error('g++, make and python3 are needed to build from source, and there is no apt-get to install them');
  step('installing build tools with apt-get');
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3', 'make', 'g++'], { ...process.env, DEBIAN_FRONTEND: 'noninteractive' });
}

/** `npm ci` running only the install scripts package.json allows (as npm 11 does; any npm here). */
function installDependencies() {
  step('npm ci');
  run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund']);
  const allowed = Object.entries(JSON.parse(readFileSync(join(context, 'package.json'), 'utf8')).allowScripts ?? {})
    .filter(([, ok]) => ok === true)
    .map(([name]) => name);
  if (allowed.length > 0) run('npm', ['rebuild', ...allowed]);
}

async function buildFromSource() {
  installBuildTools();
  installDependencies();
  const tsc = join(context, 'node_modules', 'typescript', 'bin', 'tsc');
  const log = (m) => step(m);
  if (role === 'control') {
    const { generatePrismaClients } = await import('../scripts/prisma_generate.mjs');
    generatePrismaClients({ log });
    step('compiling TypeScript');
    run(process.execPath, [tsc, '-b']);
  } else {
    step('compiling the tenant');
    run(process.execPath, [tsc, '-b', 'apps/tenant']);
  }
  const { bundleTenant } = await import('../scripts/bundle_tenant.mjs');
  await bundleTenant();
  const { buildDashboard } = await import('../scripts/build_dashboard.mjs');
  await buildDashboard({ log, force: true });
  if (role === 'control') {
    const { buildConsole } = await import('../scripts/build_console.mjs');
    await buildConsole({ log, force: true });
  }
}

async function main() {
  if (!ROLES.includes(role) || !outArg) throw new Error('usage: node docker/build_stage.mjs tenant|control OUT');
  const out = resolve(outArg);
  const packed = join(context, '.docker-build', role);
  if (existsSync(join(packed, '.burrow-pack'))) {
    step(`using the ${role} packed into the build context`);
    if (out !== packed) cpSync(packed, out, { recursive: true, verbatimSymlinks: true });
    return;
  }
  step(`no packed ${role} in the build context: building from source`);
  await buildFromSource();
  const packer = await import(`../scripts/pack_${role}.mjs`);
  (role === 'tenant' ? packer.packTenant : packer.packControl)(out);
}

try {
  await main();
} catch (err) {
  process.stderr.write(`[build-stage] ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
