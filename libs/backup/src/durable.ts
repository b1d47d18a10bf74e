/** Making what the backup code writes survive a power loss: fsync of files and directories. */
import { closeSync, fsyncSync, openSync } from 'node:fs';

/** Flushes a file's or a directory's contents to the disk (a directory: the names in it, e.g. after a rename). */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
