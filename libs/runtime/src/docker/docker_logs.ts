/**
 * Reads a container's log through the Docker API: the multiplexed stream (8-byte frame
 * headers: stream type, then the payload size) is split into lines per stream, each with the
 * daemon's timestamp.
 */
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { sleep } from '../sleep.js';
import type { LogLine } from '../types.js';

/** How often a follow looks for the instance's container to run again after it stopped. */
const RESUME_POLL_MS = 250;

/** The last `tail` lines of a container's log. */
export async function* containerLogTail(docker: Docker, containerId: string, tail: number, signal: AbortSignal): AsyncGenerator<LogLine> {
  if (tail === 0) return;
  const buf = (await docker.getContainer(containerId).logs({ follow: false, stdout: true, stderr: true, timestamps: true, tail })) as Buffer;
  yield* demuxLogLines(Readable.from([buf]), signal);
}

/**
 * The last `tail` lines, then new ones until `signal` aborts, across the container's exits: when
 * it stops (crash, stop), the follow waits for `running()` to name the instance's running
 * container (the same one restarted, or a new one) and goes on from the last line's time.
 */
export async function* followContainerLogs(
  docker: Docker,
  firstId: string,
  tail: number,
  running: () => Promise<string | undefined>,
  signal: AbortSignal,
): AsyncGenerator<LogLine> {
  let id = firstId;
  let since: number | undefined;
  while (!signal.aborted) {
    const window = since === undefined ? { tail } : { since };
    const stream = (await docker.getContainer(id).logs({ follow: true, stdout: true, stderr: true, timestamps: true, ...window })) as unknown as Readable;
    for await (const line of demuxLogLines(stream, signal)) {
      since = Date.parse(line.time) / 1000 + 0.001;
      yield line;
    }
    since ??= Date.now() / 1000;
    for (;;) {
      await sleep(RESUME_POLL_MS, signal);
      if (signal.aborted) return;
      const next = await running();
      if (next) {
        id = next;
        break;
      }
    }
  }
}

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
