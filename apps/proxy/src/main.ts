/** Entry of the proxy process: env config, then `startProxy`; SIGINT/SIGTERM close it (tenants keep running). */
import { processEnv } from '@burrow/config';
import { loadProxyConfig } from './config.js';
import { jsonLogger } from './logger.js';
import { startProxy } from './start.js';

const logger = jsonLogger((line, isError) => (isError ? process.stderr : process.stdout).write(`${line}\n`));
try {
  const config = loadProxyConfig(processEnv(), process.cwd());
  const proxy = await startProxy(config, { logger });
  logger.info('proxy listening', { url: `http://<name>.${config.baseDomain}:${proxy.port}`, host: config.host });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void proxy.close());
} catch (err) {
  // Say why in one line and exit non-zero: a proxy that cannot start must not look healthy.
  logger.error('proxy failed to start', { error: err instanceof Error ? err.message : String(err) });
  process.exitCode = 1;
}
