/**
 * The `standby` command: a tenant process started before anyone needs it, so that waking an
 * instance skips Node's start and the loading of this code (most of a cold start). It waits
 * for one assignment line on stdin (see config/standby.ts), then becomes that instance: its
 * environment, working directory and log file, and runs `serve` like a fresh process would.
 * stdin is the runtime's leash before the assignment (EOF: the runtime closed or died, so
 * exit quietly) and is dropped after it, so the tenant outlives the process that spawned it.
 */
import { openSync, writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { MAX_ASSIGNMENT_BYTES, parseStandbyAssignment, replaceEnvironment, type StandbyAssignment } from './config/standby.js';
import { warmUp } from './standby_warmup.js';

/**
 * Resolves with the first line read from `input` (without its newline), or undefined on EOF
 * before a complete line. Rejects when the line is longer than MAX_ASSIGNMENT_BYTES.
 * The stream is destroyed afterwards: nothing later on it (EOF included) concerns the tenant.
 */
function readAssignmentLine(input: Readable): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (done: () => void) => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      input.destroy();
      done();
    };
    const onData = (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const nl = buf.indexOf(0x0a);
      chunks.push(nl >= 0 ? buf.subarray(0, nl) : buf);
      size += nl >= 0 ? nl : buf.length;
      if (size > MAX_ASSIGNMENT_BYTES) finish(() => reject(new Error(`the assignment is longer than ${MAX_ASSIGNMENT_BYTES} bytes`)));
      else if (nl >= 0) finish(() => resolve(Buffer.concat(chunks).toString('utf8')));
    };
    const onEnd = () => finish(() => resolve(undefined));
    const onError = () => finish(() => resolve(undefined)); // a broken pipe is its owner gone, like EOF
    input.on('data', onData);
    input.once('end', onEnd);
    input.once('error', onError);
  });
}

/**
 * The standby phase: warms up (see standby_warmup.ts) while listening on stdin, then takes on
 * the assignment. Resolves with the CLI arguments to run, or undefined when stdin ended first.
 * Throws on a malformed assignment or one that cannot be taken (log or directory unusable).
 */
export async function awaitAssignment(): Promise<string[] | undefined> {
  const line = readAssignmentLine(process.stdin);
  const arrived = new AbortController();
  line.then(() => arrived.abort(), () => arrived.abort());
  await warmUp(arrived.signal);
  const text = await line;
  if (text === undefined) return undefined;
  const assignment = parseStandbyAssignment(text);
  enterAssignment(assignment);
  return assignment.args;
}

let assignedLogFile: string | undefined;

/** The instance log a standby was assigned (its fd 1 is still the pool's log), if any. */
export function assignedLog(): string | undefined {
  return assignedLogFile;
}

/**
 * Becomes the assigned instance: stdout and stderr (and the stack of a crash, which Node
 * prints natively to fd 2, still the standby's pool log) are appended to its log file, the
 * environment is replaced and the working directory changed. Throws when the log cannot be
 * opened (the message then goes to the standby's own stderr) or the directory is missing.
 */
export function enterAssignment(assignment: StandbyAssignment): void {
  const fd = openSync(assignment.logFile, 'a', 0o600);
  assignedLogFile = assignment.logFile;
  redirectOutput(fd);
  process.on('uncaughtExceptionMonitor', (err, origin) => {
    try {
      writeAll(fd, `${origin}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    } catch {
      // Nothing more to do for a crash whose log cannot be written.
    }
  });
  replaceEnvironment(assignment.env);
  process.chdir(assignment.cwd);
}

/** Replaces the `write` of process.stdout and process.stderr with synchronous appends to `fd`. */
function redirectOutput(fd: number): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = (chunk: string | Uint8Array, encodingOrCb?: BufferEncoding | WriteCallback, cb?: WriteCallback): boolean => {
      const callback = typeof encodingOrCb === 'function' ? encodingOrCb : cb;
      const encoding = typeof encodingOrCb === 'string' ? encodingOrCb : 'utf8';
      let error: Error | undefined;
      try {
        writeAll(fd, typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk);
      } catch (err) {
        // A full disk must not crash the tenant through a log line; the caller may look.
        error = err instanceof Error ? err : new Error(String(err));
      }
      if (callback) process.nextTick(callback, error);
      return true;
    };
    // The stream's write has overloads; this one function implements both of them.
    stream.write = write as typeof stream.write;
  }
}

type WriteCallback = (err?: Error | null) => void;

/** writeSync until every byte is written (a regular file takes all at once; this is cheap insurance). */
function writeAll(fd: number, data: string | Uint8Array): void {
  let buf = typeof data === 'string' ? Buffer.from(data) : data;
  while (buf.length > 0) buf = buf.subarray(writeSync(fd, buf));
}
