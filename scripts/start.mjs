#!/usr/bin/env node
// `npm start`: until the control plane lands, serves one development tenant at
// http://127.0.0.1:8090 with its data in ./data/dev-tenant.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(root, 'data', 'dev-tenant');
const bin = join(root, 'apps', 'tenant', 'bin', 'burrow-tenant.mjs');
const http = '127.0.0.1:8090';

const fresh = !existsSync(join(dataDir, 'data.db'));
process.stdout.write(`Starting the development tenant (data in ./data/dev-tenant${fresh ? ', new' : ''})\n`);
process.stdout.write(`Create a superuser with:\n  npx burrow-tenant superuser upsert you@example.com 'a-long-password' --dir ./data/dev-tenant\n\n`);

const child = spawn(process.execPath, [bin, 'serve', '--http', http, '--dir', dataDir], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
