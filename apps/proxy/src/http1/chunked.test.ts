import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChunkedError, ChunkedScanner } from './chunked.js';

/** Feeds `body + tail` in pieces of `step` bytes; returns the absolute end offset or -1. */
function endOf(text: string, step: number): number {
  const buf = Buffer.from(text, 'latin1');
  const scanner = new ChunkedScanner();
  for (let at = 0; at < buf.length; at += step) {
    const piece = buf.subarray(at, at + step);
    const end = scanner.scan(piece);
    if (end >= 0) return at + end;
  }
  return -1;
}

const bodies: Array<[string, string]> = [
  ['one chunk', '5\r\nhello\r\n0\r\n\r\n'],
  ['hex sizes in both cases', 'a\r\n0123456789\r\nA\r\n0123456789\r\n0\r\n\r\n'],
  ['extensions', '5;name=value;x\r\nhello\r\n0;last\r\n\r\n'],
  ['trailers', '5\r\nhello\r\n0\r\nX-Sum: 1\r\nX-Other: 2\r\n\r\n'],
  ['data that looks like the last chunk', '5\r\n0\r\n\r\n\r\n0\r\n\r\n'],
  ['empty body', '0\r\n\r\n'],
];
for (const [name, body] of bodies) {
  test(`chunked end found: ${name}, at every split`, () => {
    for (const step of [1, 2, 3, 7, body.length]) {
      assert.equal(endOf(`${body}NEXT`, step), body.length, `step ${step}`);
    }
  });
}

test('an unfinished body goes on', () => {
  assert.equal(endOf('5\r\nhel', 2), -1);
  assert.equal(endOf('5\r\nhello\r\n', 1), -1);
  assert.equal(endOf('5\r\nhello\r\n0\r\nX: 1\r\n', 1), -1);
});

const broken: Array<[string, string]> = [
  ['no size', '\r\nhello\r\n'],
  ['not hex', 'g\r\n'],
  ['data longer than its size', '2\r\nhello\r\n'],
  ['bare LF after the size', '5\nhello\r\n'],
  ['bare CR in the trailer', '0\r\nX: 1\rY\r\n\r\n'],
  ['control byte in an extension', '5;\x01\r\nhello\r\n'],
  ['size too large', 'fffffffffffffffff\r\n'],
];
for (const [name, body] of broken) {
  test(`chunked framing refused: ${name}`, () => {
    assert.throws(() => endOf(body, 1), ChunkedError);
  });
}
