/**
 * Dev entry of the proxy: env config + ProcessRuntime under `<DATA_DIR>/instances` + an
 * in-memory directory holding every instance found there (named by its id) as `sleeping`.
 * The control DB replaces the directory later.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcessRuntime, isInstanceId } from '@burrow/runtime';
import { processEnv } from '@burrow/config';
import { loadProxyConfig } from './config.js';
import { MemoryInstanceDirectory } from './directory.js';
import { INSTANCE_NAME_PATTERN } from './host.js';
import { jsonLogger } from './logger.js';
import { createProxyServer } from './server.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The tenant CLI of this repository (apps/proxy/{src,dist} -> apps/tenant/bin). */
const tenantBin = resolve(here, '..', '..', 'tenant', 'bin', 'burrow-tenant.mjs');

const config = loadProxyConfig(processEnv(), process.cwd());
const logger = jsonLogger((line, isError) => (isError ? process.stderr : process.stdout).write(`${line}\n`));
const runtime = new ProcessRuntime({ rootDir: config.instancesDir, tenantBin });
const directory = new MemoryInstanceDirectory();
for (const found of await runtime.list()) {
  if (isInstanceId(found.id) && INSTANCE_NAME_PATTERN.test(found.id)) {
    directory.put({ id: found.id, name: found.id, status: found.state === 'running' ? 'running' : 'sleeping', env: {} });
  }
}

const proxy = createProxyServer({
  directory,
  runtime,
  baseDomain: config.baseDomain,
  idleTimeoutMs: config.idleTimeoutMs,
  logger,
});
const { port } = await proxy.listen(config.port, config.host);
logger.info('proxy listening', { url: `http://<name>.${config.baseDomain}:${port}`, host: config.host });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void proxy.close().then(() => runtime.close());
  });
}
