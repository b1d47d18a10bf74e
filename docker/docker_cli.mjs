// The few docker CLI calls the image scripts make. Builds use the classic builder on purpose
// (DOCKER_BUILDKIT=0): it is the only one Debian's docker.io has, so every machine builds alike.
import { spawnSync } from 'node:child_process';

// DOCKER_SOCKET (a path) names the daemon for the platform as DOCKER_HOST does; the CLI knows only DOCKER_HOST.
const ENV = { ...process.env, DOCKER_BUILDKIT: '0', DOCKER_CLI_HINTS: 'false' };
if (!ENV.DOCKER_HOST && ENV.DOCKER_SOCKET) ENV.DOCKER_HOST = `unix://${ENV.DOCKER_SOCKET}`;

/** Runs `docker ...args` with its output shown; throws on a non-zero exit. */
export function docker(args, opts = {}) {
  const r = spawnSync('docker', args, { stdio: 'inherit', env: ENV, ...opts });
  if (r.error) throw new Error(`docker could not run (${r.error.message}); install docker.io`);
  if (r.status !== 0) throw new Error(`docker ${args.slice(0, 2).join(' ')} failed with exit code ${r.status ?? r.signal}`);
}

/** Runs `docker ...args` quietly; returns its trimmed stdout, or undefined when it failed. */
export function dockerOutput(args) {
  const r = spawnSync('docker', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: ENV });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Whether the daemon answers. */
export function daemonAnswers() {
  return dockerOutput(['version', '--format', '{{.Server.Version}}']) !== undefined;
}

/** Whether `image` exists locally. */
export function imageExists(image) {
  return dockerOutput(['image', 'inspect', '--format', '{{.Id}}', image]) !== undefined;
}

/** The value of `label` on local image `image`, or undefined (no image, no label). */
export function imageLabel(image, label) {
  const value = dockerOutput(['image', 'inspect', '--format', `{{index .Config.Labels ${JSON.stringify(label)}}}`, image]);
  return value && value !== '<no value>' ? value : undefined;
}
