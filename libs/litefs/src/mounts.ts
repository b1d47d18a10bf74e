/** FUSE mounts left behind: a LiteFS killed with SIGKILL (or one whose files were still open) leaves its mount. */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** True when `dir` is a mount point (from /proc/mounts; octal escapes decoded). */
export function isMounted(dir: string): boolean {
  const target = resolve(dir);
  let text: string;
  try {
    text = readFileSync('/proc/mounts', 'utf8');
  } catch {
    return false;
  }
  return text.split('\n').some((line) => {
    const point = line.split(' ')[1];
    return point !== undefined && point.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8))) === target;
  });
}

/**
 * True when `dir` is a FUSE mount whose server is gone: every access answers ENOTCONN
 * ("transport endpoint is not connected"). A live node's mount answers.
 */
export function isStaleMount(dir: string): boolean {
  if (!isMounted(dir)) return false;
  try {
    statSync(dir);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOTCONN';
  }
}

/**
 * Detaches a mount a dead node left at `dir` (lazily: open files keep it alive until they are
 * closed); no-op when there is none, or when a live node serves it: several runtimes may look
 * at one node, and one restarting it must not lose its fresh mount to another's clean-up.
 */
export function unmountStale(dir: string): void {
  if (!isStaleMount(dir)) return;
  spawnSync('fusermount3', ['-u', '-z', resolve(dir)], { stdio: 'ignore' });
}
