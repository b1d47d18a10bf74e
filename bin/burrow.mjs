#!/usr/bin/env node
// The `burrow` command line of a Burrow platform's users. Today: `burrow deploy`, which sends an
// app's own code (hooks/ and migrations/ of a local directory) to one of your hosted instances
// through the control API and follows the deploy until it is live or rolled back.
//
//   burrow deploy [DIR] --instance NAME|ID [--api URL] [--token TOKEN | --email EMAIL --password PASSWORD]
//
// --api defaults to $BURROW_API or http://127.0.0.1:3000; --token to $BURROW_TOKEN. Exit 0 when
// the new code runs, 1 when it was refused or rolled back (the reason is printed), 2 for bad usage.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const USAGE = 'usage: burrow deploy [DIR] --instance NAME|ID [--api URL] [--token TOKEN | --email EMAIL --password PASSWORD]';
const FILE = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*\.(js|mjs)$/;
const POLL_MS = 500;
const TIMEOUT_MS = 5 * 60_000;

function usage(message) {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

async function call(api, method, path, token, body) {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = { message: text };
  }
  return { status: res.status, body: json };
}

function explain(r) {
  const fields = r.body?.data ? Object.values(r.body.data).map((f) => f?.message).filter(Boolean) : [];
  return [r.body?.message ?? `HTTP ${r.status}`, ...fields].join(' ');
}

/** hooks/ and migrations/ of `dir` as a bundle. */
function readBundle(dir) {
  const files = {};
  for (const sub of ['hooks', 'migrations']) {
    const path = join(dir, sub);
    if (!existsSync(path)) continue;
    for (const name of readdirSync(path).filter((n) => FILE.test(n)).sort()) files[`${sub}/${name}`] = readFileSync(join(path, name), 'utf8');
  }
  return { files };
}

async function deploy(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { instance: { type: 'string' }, api: { type: 'string' }, token: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' } },
  });
  const dir = resolve(positionals[0] ?? '.');
  if (!values.instance) usage('--instance is required');
  const api = (values.api ?? process.env.BURROW_API ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  let token = values.token ?? process.env.BURROW_TOKEN;
  if (!token) {
    if (!values.email || !values.password) usage('give --token (or $BURROW_TOKEN), or --email and --password');
    const login = await call(api, 'POST', '/api/auth/login', undefined, { email: values.email, password: values.password });
    if (login.status !== 200) throw new Error(`login failed: ${explain(login)}`);
    token = login.body.token;
  }
  const bundle = readBundle(dir);
  const count = Object.keys(bundle.files).length;
  if (count === 0) throw new Error(`nothing to deploy: no .js or .mjs file in ${join(dir, 'hooks')} or ${join(dir, 'migrations')}`);
  const list = await call(api, 'GET', '/api/instances', token);
  if (list.status !== 200) throw new Error(`cannot list your instances: ${explain(list)}`);
  const instance = list.body.find((i) => i.name === values.instance || i.id === values.instance);
  if (!instance) throw new Error(`you have no instance "${values.instance}"`);
  process.stdout.write(`deploying ${count} file(s) from ${dir} to ${instance.name}...\n`);
  const queued = await call(api, 'PUT', `/api/instances/${instance.id}/deploy`, token, bundle);
  if (queued.status !== 202) throw new Error(`refused: ${explain(queued)}`);
  const deadline = Date.now() + TIMEOUT_MS;
  let last = '';
  for (;;) {
    const r = await call(api, 'GET', `/api/instances/${instance.id}`, token);
    const job = r.body?.job;
    if (job && job.id === queued.body.jobId) {
      const line = `  ${job.percent}% ${job.step}`;
      if (line !== last) process.stdout.write(`${line}\n`);
      last = line;
      if (job.state === 'completed') {
        process.stdout.write(`deployed to ${instance.name} (${instance.url})\n`);
        return;
      }
      if (job.state === 'failed') throw new Error(`deploy failed: ${job.error ?? 'no reason given'}`);
    }
    if (Date.now() > deadline) throw new Error(`the deploy did not finish within ${TIMEOUT_MS / 60_000} minutes (it may still run: see the console)`);
    await new Promise((r2) => setTimeout(r2, POLL_MS));
  }
}

const [command, ...rest] = process.argv.slice(2);
if (command !== 'deploy') usage(command ? `unknown command "${command}"` : 'a command is required');
deploy(rest).catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
