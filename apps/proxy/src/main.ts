/** Entry of the proxy process: env config, then `startProxy`; SIGINT/SIGTERM close it (tenants keep running). */
import { processEnv } from '@burrow/config';
import { loadProxyConfig } from './config.js';
import { BatchedLines, jsonLogger } from './logger.js';
import { startProxy } from './start.js';

const out = new BatchedLines(process.stdout);
const logger = jsonLogger((line, isError) => {
  if (!isError) return out.write(line);
  out.flush(); // keeps the order of stdout and stderr lines for a reader of both
  process.stderr.write(`${line}\n`);
});
process.once('exit', () => out.flush());
try {
  const config = loadProxyConfig(processEnv(), process.cwd());
  const proxy = await startProxy(config, { logger });
  logger.info('proxy listening', { url: `http://<name>.${config.baseDomain}:${proxy.port}`, host: config.host });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void proxy.close().finally(() => out.flush()));
} catch (err) {
  // Say why in one line and exit non-zero: a proxy that cannot start must not look healthy.
  logger.error('proxy failed to start', { error: err instanceof Error ? err.message : String(err) });
  process.exitCode = 1;
}
