#!/usr/bin/env node
// Builds the Docker images from this built checkout, without a registry: the base image is
// node:20-bookworm-slim when the daemon has it, else one made from this machine's Node
// (docker/build_base_image.mjs); the build context is the packed tenant or control plane
// (scripts/pack_*.mjs) with docker/build_stage.mjs, so the build stage uses it as it is.
// An image whose label says it was built from the same files, base and Dockerfile is kept:
// a second run takes well under a second. Usage:
//   node scripts/build_images.mjs [--tenant-image NAME] [--control-image NAME]
//        [--only tenant|control] [--node-image NAME] [--force]
// Defaults: burrow/tenant:local, burrow/control:local (TENANT_IMAGE / CONTROL_IMAGE when set).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBaseImage } from '../docker/build_base_image.mjs';
import { docker, dockerOutput, daemonAnswers, imageExists, imageLabel } from '../docker/docker_cli.mjs';
import { controlPlan } from './pack_control.mjs';
import { root, treeDigest } from './pack_modules.mjs';
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
 * Builds the image of `role` as `image` on `base` unless it is up to date. What the last build
 * came from is remembered in .cache/docker/<role>.json: when the files to pack have the same
 * sizes and times, nothing is copied; when they are copied, the image is rebuilt only if their
 * contents differ from its label's.
 */
function buildRole(role, image, base, { force, log }) {
  const started = Date.now();
  const { plan: makePlan, dockerfile } = ROLES[role];
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  const recipe = [readFileSync(dockerfile), readFileSync(join(root, 'docker', 'build_stage.mjs')), dockerOutput(['image', 'inspect', '--format', '{{.Id}}', base]) ?? base, version];
  const plan = makePlan();
  const fingerprint = sha256(plan.fingerprint(), ...recipe);
  const stateFile = join(root, '.cache', 'docker', `${role}.json`);
  const state = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : {};
  const current = imageLabel(image, DIGEST_LABEL);
  if (!force && current && state.image === image && state.fingerprint === fingerprint && state.digest === current) {
    log(`${image} is up to date (${Date.now() - started} ms)`);
    return;
  }
  const context = join(root, '.cache', 'docker', role);
  const tarball = `${context}.tar`;
  try {
    plan.write(join(context, '.docker-build', role));
    mkdirSync(join(context, 'docker'), { recursive: true });
    writeFileSync(join(context, 'docker', 'build_stage.mjs'), recipe[1]);
    writeFileSync(join(context, 'docker', 'Dockerfile'), recipe[0]);
    const digest = sha256(treeDigest(context), ...recipe);
    if (force || digest !== current) {
      log(`building ${image} on ${base}`);
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
    } else {
      log(`${image} is up to date (same files; ${Date.now() - started} ms)`);
    }
    writeFileSync(stateFile, `${JSON.stringify({ image, fingerprint, digest })}\n`);
  } finally {
    rmSync(context, { recursive: true, force: true });
    rmSync(tarball, { force: true });
  }
}

/**
 * Builds the tenant and control images (or `only` one of them) from this built checkout.
 * Throws when the daemon does not answer or a build fails.
 */
export function buildImages({ tenantImage, controlImage, only, nodeImage: requested, force = false, log = () => {} } = {}) {
  if (!daemonAnswers()) throw new Error('the Docker daemon does not answer (see docker/README.md)');
  const base = nodeImage(requested, log);
  const images = { tenant: tenantImage ?? 'burrow/tenant:local', control: controlImage ?? 'burrow/control:local' };
  for (const role of Object.keys(ROLES)) {
    if (!only || only === role) buildRole(role, images[role], base, { force, log });
  }
}

function flag(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const only = flag('--only');
  try {
    if (only && !(only in ROLES)) throw new Error(`--only ${only}: expected tenant or control`);
    buildImages({
      tenantImage: flag('--tenant-image') ?? process.env.TENANT_IMAGE,
      controlImage: flag('--control-image') ?? process.env.CONTROL_IMAGE,
      nodeImage: flag('--node-image'),
      only,
      force: process.argv.includes('--force'),
      log: (m) => process.stdout.write(`[images] ${m}\n`),
    });
  } catch (err) {
    process.stderr.write(`[images] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
