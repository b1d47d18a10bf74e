/** The log file reader: tail across chunks, partial lines, follow through rotation, abort. */
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { LogLine } from '../types.js';
import { appendSystemLine, lastLines, parseLogLine, readLog, rotateIfLarge } from './log_file.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burrow-log-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function collect(file: string, tail: number): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for await (const l of readLog(file, { tail, follow: false, pollMs: 10 })) out.push(l);
  return out;
}

test('system lines keep their time; tenant lines get the fallback time', async () => {
  const file = join(dir, 'parse.log');
  await appendSystemLine(file, 'spawned pid 7\nwith a newline', new Date('2025-01-02T03:04:05.678Z'));
  const [line] = await collect(file, 10);
  assert.deepEqual(line, { time: '2025-01-02T03:04:05.678Z', stream: 'system', text: 'spawned pid 7 with a newline' });
  assert.deepEqual(parseLogLine('hello\r', 'T'), { time: 'T', stream: 'stdout', text: 'hello' });
});

test('tail reads backwards across chunk boundaries and includes a final partial line', async () => {
  const file = join(dir, 'big.log');
  const lines = Array.from({ length: 3000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`);
  await writeFile(file, `${lines.join('\n')}\npartial`);
  const got = await collect(file, 1500);
  assert.equal(got.length, 1501);
  assert.equal(got[0].text, lines[1500]);
  assert.equal(got[1499].text, lines[2999]);
  assert.equal(got[1500].text, 'partial');
  assert.deepEqual(await lastLines(file, 0, 5), []);
  assert.equal((await collect(file, 100_000)).length, 3001);
  assert.deepEqual(await collect(join(dir, 'missing.log'), 10), []);
});

test('follow yields appended lines whole, survives a rotation and ends on abort', async () => {
  const file = join(dir, 'follow.log');
  await writeFile(file, 'old 1\nold 2\nhalf ');
  const abort = new AbortController();
  const it = readLog(file, { tail: 1, follow: true, signal: abort.signal, pollMs: 10 });
  assert.equal((await it.next()).value?.text, 'old 2');
  await appendFile(file, 'done\n');
  assert.equal((await it.next()).value?.text, 'half done', 'a partial line is yielded once complete');
  await appendFile(file, Buffer.concat([Buffer.from('caf'), Buffer.from([0xc3])]));
  const next = it.next();
  await appendFile(file, Buffer.concat([Buffer.from([0xa9]), Buffer.from('\n')]));
  assert.equal((await next).value?.text, 'café', 'a character split across reads stays whole');
  await rename(file, `${file}.1`);
  await writeFile(file, 'after rotation\n');
  assert.equal((await it.next()).value?.text, 'after rotation');
  const pending = it.next();
  abort.abort();
  assert.equal((await pending).done, true);
});

test('rotation renames only a log above the size limit', async () => {
  const file = join(dir, 'rot.log');
  await writeFile(file, 'x'.repeat(100));
  await rotateIfLarge(file, `${file}.1`, 1000);
  assert.equal((await collect(file, 1)).length, 1);
  await rotateIfLarge(file, `${file}.1`, 10);
  assert.deepEqual(await collect(file, 1), []);
  assert.equal((await collect(`${file}.1`, 1))[0].text.length, 100);
});
