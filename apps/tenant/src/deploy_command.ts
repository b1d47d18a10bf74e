/** `burrow-tenant deploy apply|rollback`: the app's own code in a data dir (core/deploy.ts). */
import { applyBundle, checkBundle, DeployError, rollbackBundle } from './core/deploy.js';

/** Runs one deploy subcommand; throws with a message for a bad bundle or subcommand. */
export async function deployCommand(sub: string | undefined, dir: string, readInput: () => Promise<string>, out: (line: string) => void): Promise<void> {
  if (sub === 'apply') {
    let raw: unknown;
    try {
      raw = JSON.parse(await readInput());
    } catch {
      throw new DeployError('the bundle on stdin is not JSON');
    }
    const { files } = applyBundle(dir, checkBundle(raw));
    out(`Deployed ${files} file(s); the previous hooks/ and migrations/ are kept for a rollback.`);
    return;
  }
  if (sub === 'rollback') {
    out(rollbackBundle(dir) ? 'Rolled back to the previous deploy.' : 'No previous deploy to roll back to.');
    return;
  }
  throw new DeployError('deploy needs apply (bundle on stdin) or rollback');
}
