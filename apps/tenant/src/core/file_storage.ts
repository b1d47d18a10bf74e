/**
 * The tenant's file storage: `storage/<collectionId>/<recordId>/<name>`, thumbs in
 * `thumbs_<name>/<size>_<name>` beside the original, uploads in progress in `.uploads/`
 * (same filesystem, so storing an upload is a rename, never a copy). Every path is built
 * from checked segments and verified to stay under the storage root.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

// One path segment: no separators, no NUL, not "." or "..", not empty.
const SAFE_SEGMENT = /^[^/\\\0]+$/;

/** Thrown when a path would leave the storage root; callers answer 404. */
export class UnsafePathError extends Error {}

function segment(value: string): string {
  if (!SAFE_SEGMENT.test(value) || value === '.' || value === '..') throw new UnsafePathError(`unsafe path segment: ${JSON.stringify(value)}`);
  return value;
}

/** Paths and file operations of one tenant's storage directory. */
export class FileStorage {
  readonly root: string;
  readonly uploadsDir: string;

  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'storage');
    this.uploadsDir = join(this.root, '.uploads');
    mkdirSync(this.uploadsDir, { recursive: true });
  }

  private inside(...segments: string[]): string {
    const path = join(this.root, ...segments.map(segment));
    if (!path.startsWith(this.root + sep)) throw new UnsafePathError(`path outside storage: ${path}`);
    return path;
  }

  /** Directory of a record's files. */
  recordDir(collectionId: string, recordId: string): string {
    return this.inside(collectionId, recordId);
  }

  /** Path of a record's file. */
  filePath(collectionId: string, recordId: string, name: string): string {
    return this.inside(collectionId, recordId, name);
  }

  /** Path of a thumb of a record's file. */
  thumbPath(collectionId: string, recordId: string, name: string, size: string): string {
    return this.inside(collectionId, recordId, `thumbs_${name}`, `${size}_${name}`);
  }

  /** Moves a finished upload (a file in uploadsDir) to its place; returns the new path. */
  store(tempPath: string, collectionId: string, recordId: string, name: string): string {
    const dest = this.filePath(collectionId, recordId, name);
    mkdirSync(this.recordDir(collectionId, recordId), { recursive: true });
    renameSync(tempPath, dest);
    return dest;
  }

  /** Deletes a record's file and its thumbs; missing files are fine. */
  deleteFile(collectionId: string, recordId: string, name: string): void {
    rmSync(this.filePath(collectionId, recordId, name), { force: true });
    rmSync(this.inside(collectionId, recordId, `thumbs_${name}`), { recursive: true, force: true });
  }

  /** Deletes a record's whole directory. */
  deleteRecordDir(collectionId: string, recordId: string): void {
    rmSync(this.recordDir(collectionId, recordId), { recursive: true, force: true });
  }

  /** Deletes a record's directory if it holds nothing. */
  deleteRecordDirIfEmpty(collectionId: string, recordId: string): void {
    const dir = this.recordDir(collectionId, recordId);
    try {
      if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true });
    } catch {
      // already gone
    }
  }

  /** Deletes a collection's whole directory. */
  deleteCollectionDir(collectionId: string): void {
    rmSync(this.inside(collectionId), { recursive: true, force: true });
  }

  /** Size of a stored file, or undefined when missing. */
  sizeOf(path: string): number | undefined {
    try {
      return statSync(path).size;
    } catch {
      return undefined;
    }
  }

  /** Removes uploads left behind by a process that died mid-request. */
  sweepUploads(olderThanMs: number, now = Date.now()): void {
    for (const name of readdirSync(this.uploadsDir)) {
      const path = join(this.uploadsDir, name);
      try {
        if (now - statSync(path).mtimeMs > olderThanMs) rmSync(path, { force: true });
      } catch {
        // raced with its own request's clean-up
      }
    }
  }
}
