import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headEnd } from './request_head.js';
import { parseResponseHead, type ResponseHead } from './response_head.js';

function parse(head: string, method = 'GET'): ResponseHead | undefined {
  const buf = Buffer.from(head, 'latin1');
  return parseResponseHead(buf, headEnd(buf), method);
}

const cases: Array<{ name: string; head: string; method?: string; want: Partial<ResponseHead> | undefined }> = [
  { name: 'content-length', head: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', want: { status: 200, framing: { kind: 'length', length: 5 }, close: false } },
  { name: 'chunked', head: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', want: { framing: { kind: 'chunked' }, close: false } },
  { name: 'chunked wins over a length', head: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n', want: { framing: { kind: 'chunked' } } },
  { name: 'gzip then chunked', head: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', want: { framing: { kind: 'chunked' } } },
  { name: 'coding other than chunked last: until close', head: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n', want: { framing: { kind: 'close' }, close: true } },
  { name: 'no length: until close', head: 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n', want: { framing: { kind: 'close' }, close: true } },
  { name: '204 has no body', head: 'HTTP/1.1 204 No Content\r\n\r\n', want: { status: 204, framing: { kind: 'none' } } },
  { name: '304 has no body even with a length', head: 'HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n', want: { framing: { kind: 'none' } } },
  { name: 'HEAD answers have no body', head: 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', method: 'HEAD', want: { framing: { kind: 'none' } } },
  { name: '103 is interim', head: 'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n', want: { status: 103, framing: { kind: 'none' }, upgrade: false } },
  { name: '101 upgrades', head: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n', want: { status: 101, upgrade: true } },
  { name: 'Connection: close', head: 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', want: { close: true } },
  { name: 'HTTP/1.0 closes unless keep-alive', head: 'HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n', want: { close: true } },
  { name: 'HTTP/1.0 keep-alive', head: 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n', want: { close: false } },
  { name: 'status line without reason', head: 'HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n', want: { status: 200 } },
  { name: 'equal duplicate lengths', head: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n', want: { framing: { kind: 'length', length: 2 } } },
  { name: 'conflicting lengths', head: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n', want: undefined },
  { name: 'negative length', head: 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', want: undefined },
  { name: 'bad status line', head: 'HTTP/1.1 20 OK\r\n\r\n', want: undefined },
  { name: 'not HTTP', head: 'SSH-2.0-x\r\n\r\n', want: undefined },
  { name: 'malformed header line', head: 'HTTP/1.1 200 OK\r\nbogus\r\n\r\n', want: undefined },
];
for (const c of cases) {
  test(`response head: ${c.name}`, () => {
    const got = parse(c.head, c.method);
    if (c.want === undefined) return assert.equal(got, undefined);
    assert.ok(got);
    for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k as keyof ResponseHead], v, k);
  });
}
