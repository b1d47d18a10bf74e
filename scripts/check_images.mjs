#!/usr/bin/env node
// Starts the images once as the platform runs them and checks that they answer:
// - the tenant image locked down as the docker runtime starts it (host network, read-only root,
//   tmpfs /tmp, no capabilities, no new privileges, user 1000, a new named volume at /data):
//   GET /api/health and /_/ answer 200;
// - the control image's api role (host network, DATA_DIR on a bind mount, a Redis of its own
//   on a free loopback port): GET /api/health answers 200.
// The bootstrap runs it after building an image, as does `node scripts/build_images.mjs --check`.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, dockerOutput } from '../docker/docker_cli.mjs';

const READY_TIMEOUT_MS = 60_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once GET `url` answers 200; throws with the container's last log lines when it stops or time runs out. */
async function waitFor200(url, container) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    const running = dockerOutput(['inspect', '--format', '{{.State.Running}}', container]) === 'true';
    if (!running || Date.now() > deadline) {
      const logs = dockerOutput(['logs', '--tail', '20', container]) ?? '';
      throw new Error(`${url} did not answer 200 (${running ? 'timed out' : 'container stopped'}):\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The tenant image, locked down as the docker runtime runs it. */
async function checkTenant(image, log) {
  const name = `burrow-check-tenant-${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  try {
    docker(['run', '-d', '--name', name, '--network', 'host', '--read-only', '--tmpfs', '/tmp:rw,noexec,nosuid,nodev,size=64m',
      '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--user', '1000:1000',
      '--mount', `type=volume,source=${name},target=/data`,
      image, 'serve', '--http', `127.0.0.1:${port}`, '--dir', '/data/pb_data'], { stdio: ['ignore', 'ignore', 'inherit'] });
    await waitFor200(`http://127.0.0.1:${port}/api/health`, name);
    await waitFor200(`http://127.0.0.1:${port}/_/`, name);
    log(`${image}: /api/health and /_/ answer 200 (read-only root, user 1000, volume at /data)`);
  } finally {
    dockerOutput(['rm', '-f', '-v', name]);
    dockerOutput(['volume', 'rm', name]);
  }
}

/** The control image's api role, with a Redis of its own. */
async function checkControl(image, log) {
  const name = `burrow-check-control-${randomBytes(4).toString('hex')}`;
  const [redisPort, apiPort, proxyPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'burrow-check-'));
  // The image's user when this is root; else this user, who owns the directory.
  const user = process.getuid() === 0 ? '1000:1000' : `${process.getuid()}:${process.getgid()}`;
  if (process.getuid() === 0) chownSync(dataDir, 1000, 1000);
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const redisFailed = new Promise((_, reject) => redis.once('error', (err) => reject(new Error(`redis-server: ${err.message}`))));
  try {
    docker(['run', '-d', '--name', name, '--network', 'host', '--user', user, '-v', `${dataDir}:${dataDir}`,
      '-e', `DATA_DIR=${dataDir}`, '-e', `API_PORT=${apiPort}`, '-e', `PROXY_PORT=${proxyPort}`, '-e', `REDIS_URL=redis://127.0.0.1:${redisPort}`,
      image, 'api'], { stdio: ['ignore', 'ignore', 'inherit'] });
    await Promise.race([waitFor200(`http://127.0.0.1:${apiPort}/api/health`, name), redisFailed]);
    log(`${image}: the api role answers /api/health with 200`);
  } finally {
    dockerOutput(['rm', '-f', name]);
    redis.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Checks the images of `roles`; throws on the first that does not answer. */
export async function checkImages({ roles = ['tenant', 'control'], tenantImage = 'burrow/tenant:local', controlImage = 'burrow/control:local', log = () => {} } = {}) {
  if (roles.includes('tenant')) await checkTenant(tenantImage, log);
  if (roles.includes('control')) await checkControl(controlImage, log);
}
