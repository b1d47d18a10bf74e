/** Finds the LiteFS binary (v0.5.14, built by the setup with `go install`, MACHINE.md). */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The LiteFS release Burrow is built and tested against. */
export const LITEFS_VERSION = 'v0.5.14';

/** Why LiteFS cannot be used here. */
export class LiteFsUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LiteFsUnavailableError';
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The binary: `configured` when given (the platform config's LITEFS_BIN, the setup's
 * `.cache/bin/litefs` by default), else `litefs` on `searchPath`.
 */
export function litefsBinary(configured: string | undefined, searchPath = ''): string {
  if (configured && executable(configured)) return configured;
  for (const dir of searchPath.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'litefs');
    if (executable(candidate)) return candidate;
  }
  const where = configured ? `at ${configured} or ` : '';
  throw new LiteFsUnavailableError(
    `litefs is not installed ${where}on the PATH (the setup builds it as root: CGO_ENABLED=1 go install github.com/superfly/litefs/cmd/litefs@${LITEFS_VERSION})`,
  );
}

/**
 * Why this machine cannot mount LiteFS, or undefined when it can: FUSE needs root (or
 * CAP_SYS_ADMIN), /dev/fuse and fusermount3 (package fuse3).
 */
export function fuseProblem(): string | undefined {
  if (process.getuid?.() !== 0) return 'LiteFS mounts need root (FUSE)';
  try {
    accessSync('/dev/fuse', constants.R_OK | constants.W_OK);
  } catch {
    return '/dev/fuse is missing';
  }
  if (spawnSync('sh', ['-c', 'command -v fusermount3'], { stdio: 'ignore' }).status !== 0) return 'fusermount3 is missing (apt-get install -y fuse3)';
  return undefined;
}
