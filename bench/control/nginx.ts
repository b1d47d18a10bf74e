/**
 * nginx as a plain reverse proxy in front of one tenant, for the side-by-side column of
 * part 3. Runs `nginx -c <conf> -p <tmpdir>` in the foreground (`daemon off`) as our child,
 * one worker process, logs off or in the temp dir, HTTP/1.1 upstream keep-alive (32).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from '@burrow/testing';

/** The nginx binary: `NGINX_BIN` if set, else where Debian's `nginx` package puts it; undefined when absent. */
export const NGINX_BIN = (process.env.NGINX_BIN ? [process.env.NGINX_BIN] : ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx']).find((p) => existsSync(p));

/** How to get nginx when it is missing. */
export const NGINX_INSTALL_HINT = 'nginx not found: install it with `apt-get install -y nginx` (the nginx column is skipped)';

/** Worker processes in the generated config (stated in the report). */
export const NGINX_WORKERS = 1;

/** A running nginx. */
export interface NginxHandle {
  port: number;
  /** The last lines of nginx's error log (warn and above), e.g. upstream failures. */
  errorLog(): string[];
  stop(): Promise<void>;
  /** The master's pid (its workers are its children). */
  pid: number;
}

/** Starts nginx proxying 127.0.0.1:<port> to the tenant on 127.0.0.1:<upstreamPort>. */
export async function startNginx(upstreamPort: number): Promise<NginxHandle> {
  if (!NGINX_BIN) throw new Error(NGINX_INSTALL_HINT);
  const dir = mkdtempSync(join(tmpdir(), 'burrow-bench-nginx-'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon off;
worker_processes ${NGINX_WORKERS};
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  # nginx closes a client connection after 1000 requests by default; Burrow's proxy and the
  # tenant never do, and autocannon counts each such close as an error: lift the limit.
  keepalive_requests 1000000;
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  upstream tenant {
    server 127.0.0.1:${upstreamPort};
    keepalive 32;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://tenant;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`,
  );
  const child: ChildProcess = spawn(NGINX_BIN, ['-c', conf, '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.kill('SIGQUIT'); // graceful: the master stops its worker and exits
      await exited;
      clearTimeout(kill);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, 10_000, () => (child.exitCode !== null ? `nginx exited (${child.exitCode}): ${stderr}` : undefined));
  } catch (err) {
    await stop();
    throw err;
  }
  const errorLog = () => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8').split('\n').filter(Boolean).slice(-20);
    } catch {
      return [];
    }
  };
  return { port, errorLog, stop, pid: child.pid ?? 0 };
}
