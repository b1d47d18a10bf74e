#!/usr/bin/env node
// Builds the Docker images from this built checkout, without a registry: the base image is
// node:20-bookworm-slim when the daemon has it, else one made from this machine's Node
// (docker/build_base_image.mjs); the build context is the packed tenant or control plane
// (scripts/pack_*.mjs) with docker/build_stage.mjs, so the build stage uses it as it is.
// An image whose label says it was built from the same files, base and Dockerfile is kept:
// a second run takes well under a second. Usage:
//   node scripts/build_images.mjs [--tenant-image NAME] [--control-image NAME]
//        [--only tenant|control] [--node-image NAME] [--force] [--check]
// --check then starts each image once and checks that it answers (scripts/check_images.mjs).
// Defaults: burrow/tenant:local, burrow/control:local (TENANT_IMAGE / CONTROL_IMAGE when set).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBaseImage } from '../docker/build_base_image.mjs';
import { docker, dockerOutput, daemonAnswers, imageExists, imageLabel } from '../docker/docker_cli.mjs';
import { controlPlan } from './pack_control.mjs';
import { checkImages } from './check_images.mjs';
import { root } from './pack_modules.mjs';
import { tenantPlan } from './pack_tenant.mjs';

/** The registry's Node image the published Dockerfiles start from, used when the daemon has it. */
export const PUBLISHED_NODE_IMAGE = 'node:20-bookworm-slim';
/** Label holding the digest of the files, Dockerfile and base an image was built from. */
const DIGEST_LABEL = 'burrow.build.digest';

const ROLES = {
  tenant: { plan: tenantPlan, dockerfile: join(root, 'docker', 'Dockerfile.tenant') },
  control: { plan: controlPlan, dockerfile: join(root, 'docker', 'Dockerfile.control') },
};

/** The Node image to build on: `requested`, else the published one when present, else the offline base. */
function nodeImage(requested, log) {
  if (requested) {
    if (!imageExists(requested)) throw new Error(`--node-image ${requested}: no such image here`);
    return requested;
  }
  if (imageExists(PUBLISHED_NODE_IMAGE)) return PUBLISHED_NODE_IMAGE;
  return ensureBaseImage({ log });
}

function sha256(...parts) {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}

/**
 * Builds the image of `role` as `image` on `base` unless its label says it holds the same
 * files, from the same Dockerfile and base; returns whether it built.
 */
function buildRole(role, image, base, { force, log }) {
  const started = Date.now();
  const { plan: makePlan, dockerfile } = ROLES[role];
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  const stage = readFileSync(join(root, 'docker', 'build_stage.mjs'));
  const baseId = dockerOutput(['image', 'inspect', '--format', '{{.Id}}', base]) ?? base;
  const plan = makePlan();
  const digest = sha256(plan.digest(), readFileSync(dockerfile), stage, baseId, version);
  if (!force && imageLabel(image, DIGEST_LABEL) === digest) {
    log(`${image} is up to date (${Date.now() - started} ms)`);
    return false;
  }
  log(`building ${image} on ${base}`);
  const context = join(root, '.cache', 'docker', role);
  const tarball = `${context}.tar`;
  try {
    plan.write(join(context, '.docker-build', role));
    mkdirSync(join(context, 'docker'), { recursive: true });
    writeFileSync(join(context, 'docker', 'build_stage.mjs'), stage);
    copyFileSync(dockerfile, join(context, 'docker', 'Dockerfile'));
    // The context goes in as one tar on stdin: the docker CLI takes several times longer to
    // read thousands of small files itself.
    execFileSync('tar', ['-C', context, '--numeric-owner', '--owner=0', '--group=0', '-cf', tarball, '.']);
    const input = openSync(tarball, 'r');
    try {
      docker([
        'build', '--network', 'host', '--force-rm',
        '--build-arg', `NODE_IMAGE=${base}`,
        '--build-arg', `BURROW_VERSION=${version}`,
        '--label', `${DIGEST_LABEL}=${digest}`,
        '-f', 'docker/Dockerfile', '-t', image, '-',
      ], { stdio: [input, 'inherit', 'inherit'] });
    } finally {
      closeSync(input);
    }
    // The build stage and the image this one replaced, now untagged: only a rebuild needed them.
    dockerOutput(['image', 'prune', '--force', '--filter', `label=burrow.build=${role}`]);
    log(`built ${image} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
  } finally {
    rmSync(context, { recursive: true, force: true });
    rmSync(tarball, { force: true });
  }
}

/**
 * Builds the tenant and control images (or `only` one of them) from this built checkout;
 * returns the roles whose image was (re)built. Throws when the daemon does not answer or a build fails.
 */
export function buildImages({ tenantImage, controlImage, only, nodeImage: requested, force = false, log = () => {} } = {}) {
  if (!daemonAnswers()) throw new Error('the Docker daemon does not answer (see docker/README.md)');
  const base = nodeImage(requested, log);
  const images = { tenant: tenantImage ?? 'burrow/tenant:local', control: controlImage ?? 'burrow/control:local' };
  return Object.keys(ROLES).filter((role) => (!only || only === role) && buildRole(role, images[role], base, { force, log }));
}

function flag(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const only = flag('--only');
  const log = (m) => process.stdout.write(`[images] ${m}\n`);
  const images = { tenantImage: flag('--tenant-image') ?? process.env.TENANT_IMAGE, controlImage: flag('--control-image') ?? process.env.CONTROL_IMAGE };
  try {
    if (only && !(only in ROLES)) throw new Error(`--only ${only}: expected tenant or control`);
    buildImages({ ...images, nodeImage: flag('--node-image'), only, force: process.argv.includes('--force'), log });
    if (process.argv.includes('--check')) await checkImages({ ...images, roles: only ? [only] : Object.keys(ROLES), log });
  } catch (err) {
    process.stderr.write(`[images] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
