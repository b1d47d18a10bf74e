/**
 * Reads a container's log through the Docker API: the multiplexed stream (8-byte frame
 * headers: stream type, then the payload size) is split into lines per stream, each with the
 * daemon's timestamp.
 */
import type { Readable } from 'node:stream';
import type { LogLine } from '../types.js';

/** Splits a multiplexed Docker log stream into lines; yields them as they complete. */
export async function* demuxLogLines(stream: Readable, signal?: AbortSignal): AsyncGenerator<LogLine> {
  const onAbort = () => stream.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  let buf: Buffer = Buffer.alloc(0);
  const partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      while (buf.length >= 8) {
        const size = buf.readUInt32BE(4);
        if (buf.length < 8 + size) break;
        const which = buf[0] === 2 ? 'stderr' : 'stdout';
        const text = partial[which] + buf.subarray(8, 8 + size).toString('utf8');
        buf = buf.subarray(8 + size);
        const lines = text.split('\n');
        partial[which] = lines.pop() ?? '';
        for (const line of lines) yield parseLine(which, line);
      }
    }
  } catch (err) {
    if (!signal?.aborted) throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stream.destroy();
  }
  for (const which of ['stdout', 'stderr'] as const) if (partial[which]) yield parseLine(which, partial[which]);
}

/** `2026-12-06T05:01:02.123456789Z text` (timestamps: true) -> a LogLine. */
export function parseLine(stream: 'stdout' | 'stderr', raw: string): LogLine {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const space = line.indexOf(' ');
  const stamp = space > 0 ? line.slice(0, space) : '';
  const ms = Date.parse(stamp.replace(/(\.\d{3})\d*Z$/, '$1Z'));
  if (Number.isNaN(ms)) return { time: new Date().toISOString(), stream, text: line };
  return { time: new Date(ms).toISOString(), stream, text: line.slice(space + 1) };
}
