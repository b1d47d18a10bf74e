#!/usr/bin/env node
// Builds a Node base image without a registry, from this machine's own Node: a root filesystem
// with the node binary, tail (see COMMANDS), the shared libraries they load (as `ldd` lists
// them, with the dynamic loader), the rest of the C library that native addons load (e.g.
// libresolv for sharp), a `node` user and group 1000 as in the official image, /tmp (1777) and
// the CA bundle; then `docker import`. No shell, no npm: the Dockerfiles use exec-form RUN
// with node only. Tagged burrow/node-base:<node version>; does nothing when that image exists
// (--force rebuilds). Usage: node docker/build_base_image.mjs [--force]
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { docker, imageExists } from './docker_cli.mjs';

/** The base image of this machine's Node. */
export const BASE_IMAGE = `burrow/node-base:${process.versions.node}`;

/** Libraries of the C library loaded at run time rather than linked (by addons, by name lookups). */
const LIBC_COMPANIONS = ['libresolv.so.2', 'libnss_files.so.2', 'libnss_dns.so.2', 'librt.so.1', 'libutil.so.1', 'libanl.so.1', 'libmvec.so.1', 'libdl.so.2', 'libpthread.so.0'];

/**
 * Programs besides node that the tenant runs: Litestream's `-exec tail --pid=<tenant> -f /dev/null`
 * ends its replicate when the tenant is gone (libs/litestream). The official image has them too.
 */
const COMMANDS = ['/usr/bin/tail'];

const PASSWD = 'root:x:0:0:root:/root:/usr/sbin/nologin\nnode:x:1000:1000::/home/node:/usr/sbin/nologin\n';
const GROUP = 'root:x:0:\nnode:x:1000:\n';
const NSSWITCH = 'passwd: files\ngroup: files\nhosts: files dns\n';

/** The libraries `ldd` lists for `file` (with the loader), as absolute paths. */
function sharedLibraries(file) {
  const out = execFileSync('ldd', [file], { encoding: 'utf8' });
  const libs = [];
  for (const line of out.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.push(m[1]);
  }
  return libs;
}

/** Copies host path `p` into `rootfs` at the same path; links are kept as links, and followed. */
function addPath(rootfs, p) {
  addDir(rootfs, dirname(p));
  const target = join(rootfs, p);
  if (existsSync(target) || isLink(target)) return;
  const stat = lstatSync(p);
  if (stat.isSymbolicLink()) {
    const link = readlinkSync(p);
    symlinkSync(link, target);
    addPath(rootfs, resolve(dirname(p), link));
  } else {
    copyFileSync(p, target);
  }
}

/** Makes host directory `d` in `rootfs`, with the same links on the way (/lib -> usr/lib). */
function addDir(rootfs, d) {
  if (d === '/') return;
  addDir(rootfs, dirname(d));
  const target = join(rootfs, d);
  if (existsSync(target) || isLink(target)) return;
  if (lstatSync(d).isSymbolicLink()) {
    const link = readlinkSync(d);
    symlinkSync(link, target);
    addDir(rootfs, resolve(dirname(d), link));
  } else {
    mkdirSync(target);
  }
}

function isLink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Writes the root filesystem into `rootfs`. */
function makeRootfs(rootfs) {
  const node = realpathSync(process.execPath);
  addPath(rootfs, node);
  if (node !== '/usr/bin/node') {
    addDir(rootfs, '/usr/bin');
    symlinkSync(node, join(rootfs, 'usr/bin/node'));
  }
  // The official image has node in /usr/local/bin; commands that name it there work here too.
  mkdirSync(join(rootfs, 'usr/local/bin'), { recursive: true });
  symlinkSync('/usr/bin/node', join(rootfs, 'usr/local/bin/node'));
  const libs = sharedLibraries(node);
  const libc = libs.find((l) => /\/libc\.so\.6$/.test(l));
  if (!libc) throw new Error(`ldd ${node}: no libc.so.6 (a static or musl build?)`);
  for (const name of LIBC_COMPANIONS) {
    const path = join(dirname(libc), name);
    if (existsSync(path)) libs.push(path);
  }
  for (const command of COMMANDS) {
    if (!existsSync(command)) throw new Error(`${command} is missing on this machine`);
    addPath(rootfs, command);
    libs.push(...sharedLibraries(realpathSync(command)));
  }
  for (const lib of libs) addPath(rootfs, lib);
  mkdirSync(join(rootfs, 'etc'), { recursive: true });
  writeFileSync(join(rootfs, 'etc/passwd'), PASSWD);
  writeFileSync(join(rootfs, 'etc/group'), GROUP);
  writeFileSync(join(rootfs, 'etc/nsswitch.conf'), NSSWITCH);
  if (existsSync('/etc/ssl/certs/ca-certificates.crt')) {
    mkdirSync(join(rootfs, 'etc/ssl/certs'), { recursive: true });
    copyFileSync('/etc/ssl/certs/ca-certificates.crt', join(rootfs, 'etc/ssl/certs/ca-certificates.crt'));
  }
  mkdirSync(join(rootfs, 'tmp'));
  chmodSync(join(rootfs, 'tmp'), 0o1777);
}

/** Builds the base image unless it exists; returns its name. */
export function ensureBaseImage({ force = false, log = () => {} } = {}) {
  if (!force && imageExists(BASE_IMAGE)) return BASE_IMAGE;
  log(`building ${BASE_IMAGE} from this machine's Node (no registry needed)`);
  const work = mkdtempSync(join(tmpdir(), 'burrow-base-'));
  try {
    const rootfs = join(work, 'rootfs');
    mkdirSync(rootfs);
    makeRootfs(rootfs);
    const tarball = join(work, 'rootfs.tar');
    execFileSync('tar', ['-C', rootfs, '--numeric-owner', '--owner=0', '--group=0', '-cf', tarball, '.']);
    docker([
      'import',
      '--change', 'ENV PATH=/usr/local/bin:/usr/bin:/bin',
      '--change', `ENV NODE_VERSION=${process.versions.node}`,
      '--change', `LABEL org.opencontainers.image.title="burrow node base" org.opencontainers.image.version="${process.versions.node}"`,
      '--change', 'CMD ["node"]',
      '--message', `node ${process.versions.node} and its libraries, from the build machine`,
      tarball, BASE_IMAGE,
    ], { stdio: ['ignore', 'ignore', 'inherit'] });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return BASE_IMAGE;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const image = ensureBaseImage({ force: process.argv.includes('--force'), log: (m) => process.stdout.write(`[images] ${m}\n`) });
    process.stdout.write(`[images] ${image} is ready\n`);
  } catch (err) {
    process.stderr.write(`[images] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
