#!/usr/bin/env node
// Brings a fresh clone to a runnable state, and is quick when everything is already done:
// npm dependencies (with native builds), the TypeScript build, and (with --test) the tools
// the test suite needs, such as the reference PocketBase binary for the compatibility tier.
// With --test or RUNTIME=docker: Docker (docker.io, a daemon, the images; docker/README.md).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildConsole } from './build_console.mjs';
import { buildDashboard } from './build_dashboard.mjs';
import { buildImages } from './build_images.mjs';
import { bundleTenant } from './bundle_tenant.mjs';
import { checkImages } from './check_images.mjs';
import { ensureDockerDaemon } from './docker_daemon.mjs';
import { generatePrismaClients } from './prisma_generate.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const forTests = process.argv.includes('--test');
// --bench: also nginx, the comparison column of `npm run bench:control` (installed when we can, never required).
const forBench = process.argv.includes('--bench');
const ci = process.env.CI === 'true';
// The tests run tenants in containers too; `npm start` does with RUNTIME=docker.
const forDocker = forTests || process.env.RUNTIME === 'docker';

/** LiteFS release of replicated instances (libs/litefs; MACHINE.md lists it as good). */
export const LITEFS_VERSION = 'v0.5.14';

/** PocketBase release the compatibility tier and the benchmarks compare against. */
export const POCKETBASE_VERSION = 'v0.39.11';

function step(msg) {
  process.stdout.write(`[setup] ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status ?? r.signal}`);
  }
}

function mtime(p) {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    throw new Error(`Node.js >= 20.19 is required, this is ${process.versions.node}`);
  }
}

function installDeps() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && mtime(marker) >= mtime(lock)) return;
  step('installing npm dependencies (better-sqlite3 compiles from source: about a minute)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

function checkNative() {
  const probe = `const D=require('better-sqlite3');new D(':memory:').prepare('select 1').get()`;
  const r = spawnSync(process.execPath, ['-e', probe], { cwd: root, stdio: 'pipe' });
  if (r.status === 0) return;
  step('building better-sqlite3');
  run('npm', ['rebuild', 'better-sqlite3']);
}

function isRootOnDebian() {
  return process.getuid?.() === 0 && existsSync('/etc/debian_version');
}

/** System packages the stack (and, with --test, the suite) needs, by the file that proves each is there. */
function systemPackages() {
  // `npm start` with an external Redis (REDIS_URL) needs no local redis-server; the tests always do.
  const pkgs = [{ pkg: 'redis-server', present: () => hasCommand('redis-server') || (!forTests && Boolean(process.env.REDIS_URL)) }];
  if (forTests) pkgs.push({ pkg: 'postgresql', present: () => existsSync('/usr/lib/postgresql') });
  // The console's browser tests drive Debian's Chromium through playwright-core (MACHINE.md).
  if (forTests) pkgs.push({ pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') });
  // The CLI builds the images; dockerd only when no other daemon is named (DOCKER_HOST / DOCKER_SOCKET).
  const remoteDaemon = Boolean(process.env.DOCKER_HOST || process.env.DOCKER_SOCKET);
  if (forDocker) pkgs.push({ pkg: 'docker.io', present: () => hasCommand('docker') && (remoteDaemon || hasCommand('dockerd')) });
  // LiteFS mounts its FUSE file system with fusermount3 (replicated instances; the tests always).
  if (forTests || isRootOnDebian()) pkgs.push({ pkg: 'fuse3', present: () => hasCommand('fusermount3') });
  return pkgs;
}

function installSystemPackages() {
  const missing = systemPackages().filter((p) => !p.present()).map((p) => p.pkg);
  if (forBench && !existsSync('/usr/sbin/nginx')) {
    if (isRootOnDebian()) missing.push('nginx');
    else step('nginx is not installed: the bench skips its nginx column (apt-get install -y nginx)');
  }
  if (!missing.length) return;
  if (!isRootOnDebian()) {
    throw new Error(`missing system packages: ${missing.join(', ')} (install them with your package manager, e.g. apt-get install -y ${missing.join(' ')})`);
  }
  step(`installing ${missing.join(', ')} with apt-get`);
  run('apt-get', ['update', '-qq']);
  withoutServiceStarts(() => {
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  });
  // Debian's postinst starts a system-wide server; Burrow starts its own on free ports.
  if (missing.includes('redis-server')) spawnSync('sh', ['-c', 'service redis-server stop || true'], { stdio: 'ignore' });
  if (missing.includes('postgresql')) spawnSync('sh', ['-c', 'service postgresql stop || true'], { stdio: 'ignore' });
  if (missing.includes('nginx')) spawnSync('sh', ['-c', 'service nginx stop || true'], { stdio: 'ignore' }); // the bench runs its own
}

/**
 * Runs `fn` with a policy-rc.d that stops Debian's maintainer scripts from starting the services
 * they install: Docker's would start dockerd with its default bridge and iptables rules, which
 * this machine must not have (MACHINE.md); the stack starts its own servers anyway.
 */
function withoutServiceStarts(fn) {
  const policy = '/usr/sbin/policy-rc.d';
  if (existsSync(policy)) return fn();
  writeFileSync(policy, '#!/bin/sh\n# written by burrow setup while apt-get installs packages\nexit 101\n', { mode: 0o755 });
  try {
    return fn();
  } finally {
    rmSync(policy, { force: true });
  }
}

/** A Docker daemon (started here when none answers) and the images, checked once after each build. */
async function dockerImages() {
  await ensureDockerDaemon({ log: step });
  const images = { tenantImage: process.env.TENANT_IMAGE, controlImage: process.env.CONTROL_IMAGE };
  // `npm start` runs the control plane as processes: only the tenant image is needed.
  const built = buildImages({ ...images, only: forTests ? undefined : 'tenant', log: step });
  if (built.length > 0) await checkImages({ ...images, roles: built, log: step });
}

function build() {
  generatePrismaClients({ log: step });
  step('compiling TypeScript');
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b']);
}

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * LiteFS for replicated instances, built once into .cache/bin (cgo: it links SQLite's C
 * helpers). Required by the tests; for `npm start` only where it can run (root), else a note.
 */
function installLiteFs() {
  const bin = join(root, '.cache', 'bin', 'litefs');
  const stamp = join(root, '.cache', 'bin', 'litefs.version');
  if (existsSync(bin) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === LITEFS_VERSION) return;
  const canMount = process.getuid?.() === 0;
  if (!hasCommand('go') || !canMount) {
    const why = !canMount ? 'LiteFS mounts need root' : 'Go is needed to build LiteFS (see MACHINE.md)';
    if (forTests) throw new Error(`${why}: the replica tests cannot run`);
    step(`${why}: replicated instances are unavailable (libs/litefs/README.md)`);
    return;
  }
  step(`building LiteFS ${LITEFS_VERSION} with go install (about 20 s, once)`);
  mkdirSync(dirname(bin), { recursive: true });
  run('go', ['install', `github.com/superfly/litefs/cmd/litefs@${LITEFS_VERSION}`], {
    env: { ...process.env, GOBIN: dirname(bin), CGO_ENABLED: '1', GOFLAGS: '-mod=mod' },
  });
  writeFileSync(stamp, `${LITEFS_VERSION}\n`);
}

function installPocketBase() {
  const bin = join(root, '.cache', 'bin', 'base');
  const stamp = join(root, '.cache', 'bin', 'base.version');
  if (existsSync(bin) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === POCKETBASE_VERSION) return;
  if (!hasCommand('go')) {
    throw new Error('Go is needed to build the reference PocketBase binary for the compatibility tests (see MACHINE.md)');
  }
  step(`building the reference PocketBase ${POCKETBASE_VERSION} with go install (a few minutes, once)`);
  mkdirSync(dirname(bin), { recursive: true });
  run('go', ['install', `github.com/pocketbase/pocketbase/examples/base@${POCKETBASE_VERSION}`], {
    env: { ...process.env, GOBIN: dirname(bin), CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
  });
  execFileSync('sh', ['-c', `echo ${POCKETBASE_VERSION} > "${stamp}"`]);
}

try {
  checkNode();
  installDeps();
  checkNative();
  installSystemPackages();
  build();
  await bundleTenant();
  await buildConsole({ log: step });
  await buildDashboard({ log: step });
  if (forDocker) await dockerImages();
  if (forTests) installPocketBase();
  installLiteFs();
} catch (err) {
  process.stderr.write(`[setup] ${err instanceof Error ? err.message : String(err)}\n`);
  if (ci) process.stderr.write('[setup] CI=true: a missing prerequisite fails the run.\n');
  process.exit(1);
}
