/**
 * The instance log file: the tenant's stdout and stderr are appended to it by the kernel
 * (one file descriptor, so the two streams cannot be told apart), and the runtime appends
 * its own lines as `[burrow <ISO time>] <text>`, read back as stream `system`.
 */
import { appendFile, open, rename, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { sleep } from '../sleep.js';
import type { LogLine } from '../types.js';

const SYSTEM_LINE = /^\[burrow (\d{4}-\d\d-\d\dT[\d:.]+Z)\] (.*)$/;
const CHUNK = 64 * 1024;

/** Appends one runtime (system) line. */
export async function appendSystemLine(file: string, text: string, now: Date): Promise<void> {
  await appendFile(file, `[burrow ${now.toISOString()}] ${text.replace(/\n/g, ' ')}\n`, { mode: 0o600 });
}

/** Renames the log to `oldFile` when it is bigger than `maxBytes`; call only while no tenant writes it. */
export async function rotateIfLarge(file: string, oldFile: string, maxBytes: number): Promise<void> {
  try {
    if ((await stat(file)).size > maxBytes) await rename(file, oldFile);
  } catch {
    // No log yet: nothing to rotate.
  }
}

/** Current size of the file, 0 when it does not exist. */
export async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/** Turns one raw line into a LogLine; tenant output has no timestamp, so it gets `fallbackTime`. */
export function parseLogLine(raw: string, fallbackTime: string): LogLine {
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const m = SYSTEM_LINE.exec(text);
  return m ? { time: m[1], stream: 'system', text: m[2] } : { time: fallbackTime, stream: 'stdout', text };
}

/** Reads bytes [from, to) of a file. */
export async function readRange(file: string, from: number, to: number): Promise<Buffer> {
  if (to <= from) return Buffer.alloc(0);
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(to - from);
    const { bytesRead } = await fh.read(buf, 0, buf.length, from);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The last `count` lines ending before byte `end` (text after the last newline is left out). */
export async function lastLines(file: string, end: number, count: number): Promise<string[]> {
  if (count <= 0 || end === 0) return [];
  let pos = end;
  let data = Buffer.alloc(0);
  let newlines = 0;
  while (pos > 0 && newlines <= count) {
    const from = Math.max(0, pos - CHUNK);
    const chunk = await readRange(file, from, pos);
    for (const b of chunk) if (b === 0x0a) newlines++;
    data = Buffer.concat([chunk, data]);
    pos = from;
  }
  const lines = data.toString('utf8').split('\n');
  lines.pop(); // text after the last newline: partial, or '' when the file ends with one
  return lines.slice(-count);
}

/** Options of `readLog`. */
export interface ReadLogOptions {
  /** Past lines to yield first. */
  tail: number;
  /** Keep yielding appended lines until `signal` aborts. */
  follow: boolean;
  /** Ends the follow. */
  signal?: AbortSignal;
  /** How often a follow looks for new data. */
  pollMs: number;
}

/** Byte position just after the last newline before `end` (0 when there is none). */
async function endOfLastLine(file: string, end: number): Promise<number> {
  let pos = end;
  while (pos > 0) {
    const from = Math.max(0, pos - CHUNK);
    const chunk = await readRange(file, from, pos);
    const nl = chunk.lastIndexOf(0x0a);
    if (nl >= 0) return from + nl + 1;
    pos = from;
  }
  return 0;
}

/**
 * Yields the last `tail` lines of `file`, then (follow) every line appended later, polling
 * its size; a rotation or truncation (new inode, smaller size) restarts from the beginning.
 */
export async function* readLog(file: string, opts: ReadLogOptions): AsyncGenerator<LogLine> {
  let ino = -1;
  let size = 0;
  let mtime = new Date().toISOString();
  try {
    const st = await stat(file);
    ino = st.ino;
    size = st.size;
    mtime = st.mtime.toISOString();
  } catch {
    // No log yet.
  }
  // A partial last line (no newline yet) is read whole by the follow loop later.
  let offset = await endOfLastLine(file, size);
  for (const raw of await lastLines(file, offset, opts.tail)) yield parseLogLine(raw, mtime);
  if (!opts.follow) {
    if (opts.tail > 0 && offset < size) {
      yield parseLogLine((await readRange(file, offset, size)).toString('utf8'), mtime);
    }
    return;
  }
  let pending = '';
  let decoder = new StringDecoder('utf8'); // a read may end inside a multi-byte character
  while (!opts.signal?.aborted) {
    let st;
    try {
      st = await stat(file);
    } catch {
      st = undefined;
    }
    if (st !== undefined) {
      if (st.ino !== ino || st.size < offset) {
        ino = st.ino;
        offset = 0;
        pending = '';
        decoder = new StringDecoder('utf8');
      }
      if (st.size > offset) {
        const data = await readRange(file, offset, st.size);
        offset += data.length;
        const parts = (pending + decoder.write(data)).split('\n');
        pending = parts.pop() ?? '';
        const now = new Date().toISOString();
        for (const raw of parts) {
          if (opts.signal?.aborted) return;
          yield parseLogLine(raw, now);
        }
        continue;
      }
    }
    await sleep(opts.pollMs, opts.signal);
  }
}
