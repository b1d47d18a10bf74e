import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_HEAD_BYTES, headEnd, parseRequestHead, upstreamHead } from './request_head.js';

function parse(head: string): ReturnType<typeof parseRequestHead> {
  const buf = Buffer.from(head, 'latin1');
  const end = headEnd(buf);
  assert.ok(end > 0, 'test head must be complete');
  return parseRequestHead(buf, end);
}

test('headEnd finds the blank line, also when it straddles the previous scan position', () => {
  const buf = Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\nrest');
  assert.equal(headEnd(buf), buf.length - 4);
  assert.equal(headEnd(buf, 25), buf.length - 4); // scanning resumes 3 bytes back
  assert.equal(headEnd(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r')), -1);
});

test('a plain request is parsed: method, target, host, length, kept lines', () => {
  const head = parse('POST /api/x?y=1 HTTP/1.1\r\nHost: acme.localhost:8080\r\nContent-Length: 12\r\nAccept: */*\r\nUser-Agent:  ua 1 \r\n\r\n');
  assert.ok(head);
  assert.equal(head.method, 'POST');
  assert.equal(head.target, '/api/x?y=1');
  assert.equal(head.host, 'acme.localhost:8080');
  assert.equal(head.contentLength, 12);
  assert.equal(head.close, false);
  assert.deepEqual(head.lines, ['Host: acme.localhost:8080', 'Content-Length: 12', 'Accept: */*', 'User-Agent:  ua 1 ']);
});

// Everything here is left to node:http (undefined), which parses strictly and answers errors.
const handedOver: Array<[string, string]> = [
  ['HTTP/1.0', 'GET / HTTP/1.0\r\nHost: a\r\n\r\n'],
  ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
  ['absolute-form target', 'GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['asterisk target', 'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['CONNECT', 'CONNECT /x HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['lower-case version', 'GET / http/1.1\r\nHost: a\r\n\r\n'],
  ['two spaces in the request line', 'GET  / HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['leading blank line', '\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['no Host', 'GET / HTTP/1.1\r\nAccept: x\r\n\r\n'],
  ['empty Host', 'GET / HTTP/1.1\r\nHost: \r\n\r\n'],
  ['two Hosts', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'],
  ['chunked upload', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n'],
  ['Content-Length and Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n'],
  ['two Content-Lengths', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n'],
  ['Content-Length list', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\n'],
  ['signed Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\n'],
  ['huge Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9999999999999999\r\n\r\n'],
  ['WebSocket upgrade', 'GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n'],
  ['Connection: upgrade alone', 'GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\n\r\n'],
  ['Connection naming Content-Length (the body would become a request)', 'POST / HTTP/1.1\r\nHost: a\r\nConnection: content-length\r\nContent-Length: 3\r\n\r\n'],
  ['Connection naming Host', 'GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Host\r\n\r\n'],
  ['h2c upgrade', 'GET / HTTP/1.1\r\nHost: a\r\nHTTP2-Settings: x\r\n\r\n'],
  ['Expect: 100-continue', 'POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n'],
  ['obs-fold', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  folded\r\n\r\n'],
  ['space before the colon', 'GET / HTTP/1.1\r\nHost : a\r\n\r\n'],
  ['bare LF in a value', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\nX-B: 2\r\n\r\n'],
  ['bare CR in a value', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\rX-B: 2\r\n\r\n'],
  ['NUL in a value', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\x002\r\n\r\n'],
  ['no colon', 'GET / HTTP/1.1\r\nHost: a\r\nbogus\r\n\r\n'],
  ['control character in the target', 'GET /a\x01b HTTP/1.1\r\nHost: a\r\n\r\n'],
];
for (const [name, head] of handedOver) {
  test(`handed to node:http: ${name}`, () => assert.equal(parse(head), undefined));
}

test('MAX_HEAD_BYTES is node:http default header limit', () => assert.equal(MAX_HEAD_BYTES, 16384));

test('upstream head: hop-by-hop and Connection-named headers dropped, X-Forwarded-* appended or replaced', () => {
  const head = parse(
    'GET /p HTTP/1.1\r\nHost: acme.localhost\r\nConnection: keep-alive, X-Secret\r\nKeep-Alive: timeout=5\r\nX-Secret: s\r\n' +
      'TE: trailers\r\nProxy-Authorization: basic x\r\nX-Forwarded-For: 10.0.0.1\r\nX-Forwarded-For: 10.0.0.2\r\n' +
      'X-Forwarded-Proto: https\r\nX-Forwarded-Host: evil\r\nAccept: a\r\n\r\n',
  );
  assert.ok(head);
  assert.equal(
    upstreamHead(head, '127.0.0.9', 'http').toString('latin1'),
    'GET /p HTTP/1.1\r\nHost: acme.localhost\r\nAccept: a\r\n' +
      'x-forwarded-for: 10.0.0.1, 10.0.0.2, 127.0.0.9\r\nx-forwarded-proto: http\r\nx-forwarded-host: acme.localhost\r\n\r\n',
  );
});

test('upstream head: Connection: close is kept (the paired connection closes too)', () => {
  const head = parse('GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n');
  assert.ok(head);
  assert.equal(head.close, true);
  assert.match(upstreamHead(head, '127.0.0.1', 'http').toString('latin1'), /\r\nconnection: close\r\n/);
});
