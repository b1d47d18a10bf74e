/** Test helpers: the LiteFS binary the setup built, and a primary + replica cluster in a temp dir. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processEnv } from '@burrow/config';
import { freePort } from '@burrow/testing';
import { fuseProblem, litefsBinary } from './binary.js';
import { primaryHostnameOf, type NodeConfigInput } from './config.js';
import { LiteFsNode } from './node.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * The binary, or a skip reason for `node:test`. Under CI=true a missing prerequisite throws:
 * CI must never skip the real-mount tests.
 */
export function liteFsForTests(): { bin: string; skip: false } | { bin: ''; skip: string } {
  const env = processEnv();
  try {
    const bin = litefsBinary(join(repoRoot, '.cache', 'bin', 'litefs'), env.PATH ?? '');
    const problem = fuseProblem();
    if (problem) throw new Error(problem);
    return { bin, skip: false };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (env.CI === 'true') throw new Error(`CI=true and LiteFS cannot run: ${why}`);
    return { bin: '', skip: why };
  }
}

/** A node config under `root/<name>` listening on `port`. */
export function nodeConfig(root: string, name: string, role: 'primary' | 'replica', port: number, primaryPort: number, cluster = 'test'): NodeConfigInput {
  return {
    role,
    mountDir: join(root, name, 'mnt'),
    dataDir: join(root, name, 'litefs'),
    httpAddr: `127.0.0.1:${port}`,
    primaryHostname: primaryHostnameOf(cluster),
    primaryUrl: `http://127.0.0.1:${primaryPort}`,
  };
}

/** A temp dir and a primary + `replicas` started nodes; `close()` stops them all and removes the dir. */
export async function startCluster(bin: string, replicas: number): Promise<{ root: string; primary: LiteFsNode; replicas: LiteFsNode[]; primaryPort: number; close(): Promise<void> }> {
  const root = mkdtempSync(join(tmpdir(), 'burrow-litefs-'));
  const primaryPort = await freePort();
  const primary = new LiteFsNode({ bin, configPath: join(root, 'p', 'litefs.yml'), config: nodeConfig(root, 'p', 'primary', primaryPort, primaryPort) });
  await primary.start();
  const nodes: LiteFsNode[] = [];
  for (let i = 1; i <= replicas; i++) {
    const port = await freePort();
    const node = new LiteFsNode({ bin, configPath: join(root, `r${i}`, 'litefs.yml'), config: nodeConfig(root, `r${i}`, 'replica', port, primaryPort) });
    await node.start();
    nodes.push(node);
  }
  return {
    root,
    primary,
    replicas: nodes,
    primaryPort,
    async close() {
      await Promise.all(nodes.map((n) => n.stop()));
      await primary.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
