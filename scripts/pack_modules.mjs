// What pack_tenant.mjs and pack_control.mjs share: a plan of the runtime files of a built
// checkout, in the repository's own layout (what a Docker image holds), leaving behind what
// only a build reads: TypeScript sources and declarations, source maps, the C/C++ sources and
// intermediates of native addons, install-time tools. A plan's digest is taken from the source
// files, so a caller can tell that nothing changed without writing anything.
import { createHash } from 'node:crypto';
import {
  chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Written into every packed directory: a later pack may only replace a directory that has it. */
const PACK_MARKER = '.burrow-pack';

/** Files no running program reads. */
const BUILD_ONLY_FILE = /\.(map|ts|mts|cts|tsbuildinfo|md|markdown)$|^(changelog|history)(\.|$)/i;

/** Dependencies only an install runs: better-sqlite3 fetches a prebuilt addon with prebuild-install. */
const INSTALL_ONLY = new Set(['prebuild-install']);

/** A package of the runtime closure: where it was found (relative to the root) and its real directory. */
export class FoundPackage {
  constructor(name, path, real) {
    this.name = name;
    this.path = path;
    this.real = real;
  }

  /** Whether it is one of this repository's workspaces (a link into apps/ or libs/). */
  get workspace() {
    return !relative(root, this.real).split(sep).includes('node_modules');
  }
}

/** Where Node finds package `name` from a file in `fromDir` (never above the root), or undefined. */
function resolvePackage(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dir === dirname(dir)) return undefined;
  }
}

/**
 * The packages `names` need at runtime, found from `fromDir` as Node would, with their
 * dependencies and optional dependencies (those installed: optional platform packages of other
 * machines are not) recursively.
 */
export function runtimeClosure(names, fromDir) {
  const found = new Map();
  const queue = names.map((name) => ({ name, from: fromDir, required: true }));
  while (queue.length > 0) {
    const { name, from, required } = queue.shift();
    if (INSTALL_ONLY.has(name) || name.startsWith('@types/')) continue;
    const dir = resolvePackage(name, from);
    if (!dir) {
      if (required) throw new Error(`${name} is not installed (run npm run setup)`);
      continue;
    }
    const path = relative(root, dir);
    if (found.has(path)) continue;
    const real = realpathSync(dir);
    found.set(path, new FoundPackage(name, path, real));
    const manifest = JSON.parse(readFileSync(join(real, 'package.json'), 'utf8'));
    for (const dep of Object.keys(manifest.dependencies ?? {})) queue.push({ name: dep, from: real, required: true });
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) queue.push({ name: dep, from: real, required: false });
  }
  return [...found.values()];
}

/** The files, links and generated texts of a packed directory, by their path in it. */
export class PackPlan {
  constructor() {
    /** @type {Map<string, {from?: string, link?: string, text?: string, mode?: number}>} */
    this.entries = new Map();
  }

  /** Adds the checkout's file `rel` (relative to the root) at the same place. */
  file(rel) {
    this.entries.set(rel, { from: join(root, rel) });
  }

  /** Adds a generated file. */
  text(rel, text, mode = 0o644) {
    this.entries.set(rel, { text, mode });
  }

  /** Adds a relative link `rel` -> the packed `targetRel`, as npm links a workspace. */
  link(rel, targetRel) {
    this.entries.set(rel, { link: relative(dirname(rel), targetRel) });
  }

  /**
   * Adds the tree `srcDir` at `rel`: files for which `filter(relPath, isDir)` is true
   * (directories it refuses are not entered), without build-only files; links stay links.
   */
  tree(srcDir, rel, filter = () => true) {
    const walk = (sub) => {
      const from = join(srcDir, sub);
      const stat = lstatSync(from);
      if (sub && !filter(sub, stat.isDirectory())) return;
      if (stat.isDirectory()) {
        for (const name of readdirSync(from)) walk(join(sub, name));
      } else if (stat.isSymbolicLink()) {
        this.entries.set(join(rel, sub), { link: readlinkSync(from) });
      } else if (!BUILD_ONLY_FILE.test(sub.split(sep).pop())) {
        this.entries.set(join(rel, sub), { from });
      }
    };
    walk('');
  }

  /**
   * Adds a package of node_modules at its place: its nested node_modules only as packages of
   * the closure, a native addon only as its built `.node` files. `keep(relPath)` may drop more.
   */
  package(pkg, keep = () => true) {
    const native = existsSync(join(pkg.real, 'binding.gyp'));
    this.tree(pkg.real, pkg.path, (rel, isDir) => {
      const parts = rel.split(sep);
      if (parts[0] === 'node_modules') return false;
      if (native) {
        if (parts[0] === 'src' || parts[0] === 'deps') return false;
        if (parts[0] === 'build') {
          if (isDir) return parts.length === 1 || (parts.length === 2 && parts[1] === 'Release');
          return parts.length === 3 && parts[2].endsWith('.node') && !parts[2].startsWith('test_');
        }
      }
      return isDir || keep(rel);
    });
  }

  /**
   * A digest of the packed directory the plan describes (paths, contents, executable bits, link
   * targets; not times): equal digests mean an image built from the two holds the same files.
   */
  digest() {
    const hash = createHash('sha256');
    for (const rel of [...this.entries.keys()].sort()) {
      const e = this.entries.get(rel);
      if (e.link !== undefined) {
        hash.update(`l ${rel}\0${e.link}\0`);
        continue;
      }
      const body = e.from ? readFileSync(e.from) : Buffer.from(e.text);
      const mode = e.from ? statSync(e.from).mode : e.mode;
      hash.update(`f ${rel}\0${mode & 0o111 ? 'x' : '-'}${body.length}\0`).update(body);
    }
    return hash.digest('hex');
  }

  /** Writes the planned directory at `out`, replacing an earlier pack there; returns `out`, absolute. */
  write(out) {
    const dir = prepareOut(out);
    const made = new Set();
    const parent = (path) => {
      const d = dirname(path);
      if (!made.has(d)) {
        mkdirSync(d, { recursive: true });
        made.add(d);
      }
    };
    for (const [rel, e] of this.entries) {
      const to = join(dir, rel);
      parent(to);
      if (e.from) {
        copyFileSync(e.from, to); // keeps the mode: Litestream stays executable
      } else if (e.link !== undefined) {
        symlinkSync(e.link, to);
      } else {
        writeFileSync(to, e.text);
        chmodSync(to, e.mode);
      }
    }
    return dir;
  }
}

/**
 * Empties `out` for a new pack. Refuses a directory a pack did not write (other than an empty
 * one) and the checkout itself or one of its parents.
 */
function prepareOut(out) {
  const abs = resolve(out);
  if (!relative(abs, root).startsWith('..')) throw new Error(`refusing to pack into ${abs}: it holds the checkout`);
  if (existsSync(abs) && readdirSync(abs).length > 0 && !existsSync(join(abs, PACK_MARKER))) {
    throw new Error(`refusing to replace ${abs}: not empty and not written by a pack`);
  }
  rmSync(abs, { recursive: true, force: true });
  mkdirSync(abs, { recursive: true });
  writeFileSync(join(abs, PACK_MARKER), '');
  return abs;
}

/** Runs a pack script's command line: `--out DIR`, then `write(out)` of the plan `makePlan()` returns. */
export function packMain(what, script, makePlan) {
  const i = process.argv.indexOf('--out');
  const out = i >= 0 ? process.argv[i + 1] : undefined;
  if (!out) {
    process.stderr.write(`usage: node ${script} --out DIR\n`);
    process.exit(2);
  }
  try {
    const dir = makePlan().write(isAbsolute(out) ? out : resolve(process.cwd(), out));
    process.stdout.write(`[pack] ${what} packed into ${dir}\n`);
  } catch (err) {
    process.stderr.write(`[pack] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
