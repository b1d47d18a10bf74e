#!/usr/bin/env node
// `npm start`: the whole platform on embedded defaults (SQLite control DB, its own Redis,
// tenants as child processes), configured by the same env vars as production (see README).
import { startStack } from './stack.mjs';

const COLORS = { api: 36, worker: 35, proxy: 33, redis: 31, stack: 32 };
const log = (role, line) => process.stdout.write(`\x1b[${COLORS[role] ?? 0}m${role.padEnd(6)}\x1b[0m ${line}\n`);

let stack;
try {
  stack = await startStack({ log });
} catch (err) {
  process.stderr.write(`burrow: ${err.message}\n`);
  process.exit(1);
}
const domain = process.env.BASE_DOMAIN || 'localhost';
process.stdout.write(`
  Burrow is running.
    web console   ${stack.apiUrl.replace('127.0.0.1', 'localhost')}/
    control API   ${stack.apiUrl}   (OpenAPI: ${stack.apiUrl}/api/docs, metrics: ${stack.apiUrl}/metrics)
    instances     http://<name>.${domain}:${stack.proxyPort}
    data          ${stack.dataDir}
  Ctrl-C stops the platform; running tenants are adopted again at the next start.

`);
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    log('stack', 'stopping');
    void stack.stop().then(() => process.exit(0));
  });
}
