/** FUSE mounts left behind: a LiteFS killed with SIGKILL (or one whose files were still open) leaves its mount. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/** Detaches a mount left at `dir` (lazily: open files keep it alive until closed); no-op when none. */
export function unmountStale(dir: string): void {
  if (!isMounted(dir)) return;
  spawnSync('fusermount3', ['-u', '-z', resolve(dir)], { stdio: 'ignore' });
}
