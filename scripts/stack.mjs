// Runs the whole platform on one machine: a Redis (its own, unless REDIS_URL is set), then
// the api, worker and proxy as child processes sharing one environment. Used by `npm start`,
// the end-to-end tests and the benchmarks. Roles that die unexpectedly are restarted after a
// short pause, like a process supervisor would; tenants are not children of this process
// (the runtime detaches them) and keep running across restarts of the stack.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROLES = ['api', 'worker', 'proxy'];

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

function listening(port) {
  return new Promise((res) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); res(true); });
    s.once('error', () => res(false));
  });
}

async function until(what, check, timeoutMs, isDead = () => undefined) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = isDead();
    if (dead) throw new Error(dead);
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The `dir` setting of the Redis answering on 127.0.0.1:port, or undefined (not Redis, or nothing). */
function redisDir(port) {
  return new Promise((res) => {
    const s = connect(port, '127.0.0.1');
    let buf = '';
    const done = (v) => { s.destroy(); res(v); };
    s.setTimeout(1000, () => done(undefined));
    s.once('error', () => done(undefined));
    s.once('connect', () => s.write('*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$3\r\ndir\r\n'));
    s.on('data', (d) => {
      buf += d.toString();
      const m = /^\*2\r\n\$3\r\ndir\r\n\$\d+\r\n([^\r]*)\r\n/.exec(buf);
      if (m) done(m[1]);
      else if (buf.length > 4096 || buf.startsWith('-')) done(undefined);
    });
  });
}

/**
 * Starts this data dir's own Redis (AOF persistence) on a free port, remembered for the next
 * start. If the remembered port still answers as the Redis of this data dir (a launcher that
 * was killed left it running), it is reused: two servers must never share one AOF.
 */
async function startRedis(dataDir, log) {
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const portFile = join(dir, 'port');
  let port = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : 0;
  if (port && (await redisDir(port)) === dir) {
    log('stack', `reusing the Redis already running for this data dir on port ${port}`);
    return { url: `redis://127.0.0.1:${port}`, child: undefined };
  }
  if (!port || (await listening(port))) port = await freePort();
  writeFileSync(portFile, String(port));
  const child = spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '',
    '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let failed;
  child.on('error', (err) => { failed = `redis-server could not start (${err.message}); install it (apt-get install -y redis-server) or set REDIS_URL`; });
  child.on('exit', (code) => { failed ??= `redis-server exited with code ${code}`; });
  pipeLines(child, 'redis', log);
  await until('redis', () => listening(port), 10_000, () => failed);
  return { url: `redis://127.0.0.1:${port}`, child };
}

function pipeLines(child, role, log) {
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream?.on('data', (d) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        log(role, buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
  }
}

/**
 * Starts the stack. `env` overrides the process environment (API_PORT, PROXY_PORT, DATA_DIR,
 * BASE_DOMAIN, REDIS_URL, DATABASE_URL, IDLE_TIMEOUT...). `log(role, line)` receives every
 * output line. Resolves once the api answers /api/health with its queue up and the proxy listens.
 */
export async function startStack({ env: overrides = {}, log = () => {}, cwd = root } = {}) {
  const env = { ...process.env, ...overrides };
  const dataDir = resolve(cwd, env.DATA_DIR || './data');
  env.DATA_DIR = dataDir;
  const apiPort = Number(env.API_PORT || 3000);
  const proxyPort = Number(env.PROXY_PORT || 8080);
  let redis;
  if (!env.REDIS_URL) {
    redis = await startRedis(dataDir, log);
    env.REDIS_URL = redis.url;
  }
  const children = new Map();
  let stopping = false;
  const spawnRole = (role) => {
    const child = spawn(process.execPath, [join(root, 'apps', role, 'dist', 'main.js')], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.set(role, child);
    pipeLines(child, role, log);
    child.on('exit', (code, signal) => {
      if (stopping || children.get(role) !== child) return;
      log('stack', `${role} exited (${signal ?? code}); restarting in 1 s`);
      setTimeout(() => { if (!stopping) spawnRole(role); }, 1000).unref();
    });
    return child;
  };
  for (const role of ROLES) spawnRole(role);

  const stop = async () => {
    stopping = true;
    await Promise.all([...children.values()].map((c) => terminate(c, 15_000)));
    if (redis?.child) await terminate(redis.child, 5_000);
  };
  try {
    await until('api', async () => {
      // Ready means its queue too: right after boot the api may still be connecting to Redis
      // (its health then says "degraded" and job-queuing requests answer 503).
      try {
        const res = await fetch(`http://127.0.0.1:${apiPort}/api/health`);
        return res.status === 200 && (await res.json()).queue === 'ok';
      } catch { return false; }
    }, 60_000);
    await until('proxy', () => listening(proxyPort), 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    proxyPort,
    redisUrl: env.REDIS_URL,
    dataDir,
    /** Process id of a role's current process. */
    pid: (role) => children.get(role)?.pid,
    /** Sends a signal to a role (it is restarted unless the stack is stopping). */
    kill: (role, signal = 'SIGKILL') => children.get(role)?.kill(signal),
    stop,
  };
}

function terminate(child, graceMs) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => { clearTimeout(timer); res(); });
    child.kill('SIGTERM');
  });
}
