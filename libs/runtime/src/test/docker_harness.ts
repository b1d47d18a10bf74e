/** Shared pieces of the docker driver's tests: the daemon and image they need, and a namespace each. */
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';

/** The image the bootstrap builds (docker/README.md). */
export const TEST_IMAGE = 'burrow/tenant:local';

/** The local daemon, after checking that it answers and has the tenant image (a clear error otherwise). */
export async function dockerForTests(): Promise<Docker> {
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  try {
    await docker.ping();
  } catch (err) {
    throw new Error(`no Docker daemon answers on /var/run/docker.sock (${err instanceof Error ? err.message : String(err)}): \`npm test\` starts one as root (MACHINE.md)`);
  }
  try {
    await docker.getImage(TEST_IMAGE).inspect();
  } catch {
    throw new Error(`the image ${TEST_IMAGE} is missing: \`node scripts/build_images.mjs\` builds it (the bootstrap does with --test)`);
  }
  return docker;
}

/** A namespace of its own for one test file: its containers and volumes are never another's. */
export function testNamespace(): string {
  return `bt${randomBytes(4).toString('hex')}`;
}
