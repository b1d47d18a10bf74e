#!/usr/bin/env node
// Entry point of the control image: runs one role of the control plane, or all three.
//   node docker/launch_control.mjs api|worker|proxy   the role in this process
//   node docker/launch_control.mjs all                the three as child processes; when one
//                                                     ends, the others are stopped and the
//                                                     container exits with its code, so the
//                                                     container's restart policy takes over
// Settings are the platform's env vars (README.md). Redis is not in the image: set REDIS_URL.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROLES = ['api', 'worker', 'proxy'];
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mainOf = (role) => join(root, 'apps', role, 'dist', 'main.js');

/** Runs the three roles as children; resolves with the exit code of the first to end. */
function runAll() {
  const children = ROLES.map((role) => spawn(process.execPath, [mainOf(role)], { stdio: 'inherit' }));
  let stopping = false;
  const stopOthers = (signal) => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
      stopping = true;
      stopOthers(signal);
    });
  }
  return new Promise((resolve) => {
    let first;
    let left = children.length;
    children.forEach((child, i) => {
      child.on('exit', (code, signal) => {
        if (first === undefined) {
          first = code ?? 1;
          if (!stopping) process.stderr.write(`burrow: ${ROLES[i]} ended (${signal ?? code}); stopping the others\n`);
          stopping = true;
          stopOthers('SIGTERM');
        }
        if (--left === 0) resolve(first);
      });
    });
  });
}

const role = process.argv[2] ?? 'all';
if (role === 'all') {
  process.exitCode = await runAll();
} else if (ROLES.includes(role)) {
  await import(pathToFileURL(mainOf(role)).href);
} else {
  process.stderr.write(`usage: launch_control.mjs ${[...ROLES, 'all'].join('|')}\n`);
  process.exit(2);
}
