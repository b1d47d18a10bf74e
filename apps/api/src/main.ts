/** Entry of the control API process. */
import { ConfigError, loadPlatformConfig, processEnv } from '@burrow/config';
import { startApi } from './app.js';

try {
  const api = await startApi(loadPlatformConfig(processEnv(), process.cwd()));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void api.close().then(() => process.exit(0)));
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : `api failed to start: ${err instanceof Error ? err.message : String(err)}`}\n`);
  process.exit(1);
}
