#!/usr/bin/env node
// Makes sure a Docker daemon answers, for the bootstrap (tests, RUNTIME=docker) and CI. When
// none does and the machine's default socket is meant (no DOCKER_HOST / DOCKER_SOCKET), it
// starts `dockerd --bridge=none --iptables=false` in the background, as root, with its log in
// .cache/dockerd.log: no bridge and no iptables rules, so containers use the host's network or
// none (MACHINE.md). The daemon keeps running after the bootstrap, like a system service.
// Usage: node scripts/docker_daemon.mjs
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { daemonAnswers } from '../docker/docker_cli.mjs';
import { root } from './pack_modules.mjs';

const SOCKET = '/var/run/docker.sock';
const LOG = join(root, '.cache', 'dockerd.log');
const START_TIMEOUT_MS = 60_000;

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** The last lines of the daemon's log, for an error message. */
function logTail() {
  if (!existsSync(LOG)) return '';
  return readFileSync(LOG, 'utf8').trim().split('\n').slice(-5).join('\n');
}

/** Resolves once a daemon answers (starting one when it may); throws with the reason otherwise. */
export async function ensureDockerDaemon({ log = () => {} } = {}) {
  if (daemonAnswers()) return;
  const target = process.env.DOCKER_HOST || process.env.DOCKER_SOCKET;
  if (target) throw new Error(`no Docker daemon answers at ${target} (DOCKER_HOST / DOCKER_SOCKET)`);
  if (process.getuid?.() !== 0) throw new Error(`no Docker daemon answers at ${SOCKET}; start one (as root: dockerd --bridge=none --iptables=false &)`);
  if (!hasCommand('dockerd')) throw new Error('dockerd is not installed (apt-get install -y docker.io)');
  log(`starting dockerd --bridge=none --iptables=false (log: ${LOG})`);
  mkdirSync(join(root, '.cache'), { recursive: true });
  const out = openSync(LOG, 'a');
  const child = spawn('dockerd', ['--bridge=none', '--iptables=false'], { detached: true, stdio: ['ignore', out, out] });
  let exited;
  child.on('exit', (code, signal) => { exited = signal ?? code; });
  child.unref();
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(existsSync(SOCKET) && daemonAnswers())) {
    if (exited !== undefined) throw new Error(`dockerd exited (${exited}):\n${logTail()}`);
    if (Date.now() > deadline) throw new Error(`dockerd did not answer within ${START_TIMEOUT_MS / 1000} s:\n${logTail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await ensureDockerDaemon({ log: (m) => process.stdout.write(`[docker] ${m}\n`) });
  } catch (err) {
    process.stderr.write(`[docker] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
