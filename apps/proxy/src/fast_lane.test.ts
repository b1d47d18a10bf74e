// The fast lane at the wire: raw sockets on both sides, so keep-alive, pipelining, framing,
// hand-over to node:http, replays and aborts are observed as bytes, not through a client library.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import { parseInstanceId } from '@burrow/runtime';
import { MemoryInstanceDirectory } from './directory.js';
import { createProxyServer, type ProxyServer } from './server.js';
import { send } from './test_support/client.js';
import { RecordingLogger } from './test_support/recording_logger.js';
import { StaticRuntime, endpointAt } from './test_support/static_runtime.js';

const A = parseInstanceId('alpha');
const B = parseInstanceId('bravo');

async function listen(server: Server | NetServer): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Writes `bytes` on a fresh connection and reads until `done(text)` or the proxy closes it. */
function exchange(port: number, bytes: string | Buffer, done: (text: string) => boolean = () => false): Promise<{ text: string; closed: boolean; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let finished = false;
    const finish = (closed: boolean): void => {
      if (finished) return;
      finished = true;
      resolve({ text, closed, socket });
    };
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      text += d;
      if (done(text)) finish(false);
    });
    socket.on('close', () => finish(true));
    // A close with unread bytes on the proxy's side arrives as a reset: still the proxy closing.
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? finish(true) : reject(err)));
    socket.write(bytes);
  });
}

/** Counts complete `HTTP/1.1 NNN` status lines in a raw response stream. */
function statuses(text: string): string[] {
  return [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
}

describe('fast lane', () => {
  let upstream: Server;
  let second: Server;
  let handler: (req: IncomingMessage, res: ServerResponse) => void;
  const logger = new RecordingLogger();
  const runtime = new StaticRuntime();
  let proxy: ProxyServer;
  let port: number;
  let upstreamPort: number;

  function echo(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
  }

  before(async () => {
    upstream = createServer((req, res) => handler(req, res));
    upstreamPort = await listen(upstream);
    second = createServer((_req, res) => res.end('bravo'));
    runtime.endpoints.set(A, endpointAt(upstreamPort));
    runtime.endpoints.set(B, endpointAt(await listen(second)));
    const directory = new MemoryInstanceDirectory([
      { id: A, name: 'alpha', status: 'running', env: {} },
      { id: B, name: 'bravo', status: 'running', env: {} },
    ]);
    proxy = createProxyServer({ directory, runtime, baseDomain: 'localhost', idleTimeoutMs: 0, logger, headersTimeoutMs: 300, requestTimeoutMs: 500 });
    ({ port } = await proxy.listen(0));
  });

  afterEach(() => {
    handler = echo;
    runtime.endpoints.set(A, endpointAt(upstreamPort));
    logger.lines.length = 0;
  });

  after(async () => {
    await proxy.close();
    for (const s of [upstream, second]) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  const lanes = (): string[] => logger.lines.filter((l) => l.message === 'request').map((l) => String(l.fields.lane));

  test('keep-alive requests on one connection all go through the lane, with X-Forwarded-*', async () => {
    handler = echo;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 20; i++) {
        const res = await new Promise<IncomingMessage>((resolve, reject) => {
          request({ port, host: '127.0.0.1', path: `/n/${i}`, headers: { host: 'alpha.localhost', 'x-forwarded-for': '10.1.1.1' }, agent }, resolve)
            .on('error', reject)
            .end();
        });
        const chunks: Buffer[] = [];
        for await (const c of res) chunks.push(c as Buffer);
        const seen = JSON.parse(Buffer.concat(chunks).toString()) as { url: string; headers: Record<string, string> };
        assert.equal(seen.url, `/n/${i}`);
        assert.equal(seen.headers['x-forwarded-for'], '10.1.1.1, 127.0.0.1');
        assert.equal(seen.headers['x-forwarded-proto'], 'http');
        assert.equal(seen.headers['x-forwarded-host'], 'alpha.localhost');
      }
    } finally {
      agent.destroy();
    }
    assert.deepEqual(lanes(), Array(20).fill('fast'));
  });

  test('pipelined requests are answered in order, bodies included', async () => {
    handler = echo;
    const one = 'POST /one HTTP/1.1\r\nHost: alpha.localhost\r\nContent-Length: 5\r\n\r\nfirst';
    const two = 'GET /two HTTP/1.1\r\nHost: alpha.localhost\r\n\r\n';
    const three = 'GET /three HTTP/1.1\r\nHost: alpha.localhost\r\nConnection: close\r\n\r\n';
    const { text, closed } = await exchange(port, one + two + three);
    assert.ok(closed, 'Connection: close ends the connection after the last answer');
    assert.deepEqual(statuses(text), ['200', '200', '200']);
    const urls = [...text.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(urls, ['/one', '/two', '/three']);
    assert.match(text, /"body":"first"/);
  });

  test('requests for two instances on one connection each reach their own tenant', async () => {
    handler = (_req, res) => res.end('alpha');
    const { text } = await exchange(
      port,
      'GET / HTTP/1.1\r\nHost: alpha.localhost\r\n\r\nGET / HTTP/1.1\r\nHost: bravo.localhost\r\n\r\nGET / HTTP/1.1\r\nHost: alpha.localhost\r\nConnection: close\r\n\r\n',
    );
    assert.deepEqual([...text.matchAll(/\r\n\r\n(?:[0-9a-f]+\r\n)?(alpha|bravo)/g)].map((m) => m[1]), ['alpha', 'bravo', 'alpha']);
  });

  // Unusual requests are left to node:http, which answers them correctly on the same connection.
  const handed: Array<[string, string, RegExp]> = [
    ['a chunked upload', 'POST /c HTTP/1.1\r\nHost: alpha.localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n', /"body":"abcde"/],
    ['HTTP/1.0', 'GET /old HTTP/1.0\r\nHost: alpha.localhost\r\n\r\n', /"url":"\/old"/],
    ['Expect: 100-continue', 'POST /e HTTP/1.1\r\nHost: alpha.localhost\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok', /"body":"ok"/],
    ['an unknown instance', 'GET / HTTP/1.1\r\nHost: nobody.localhost\r\nConnection: close\r\n\r\n', /HTTP\/1\.1 404[^]*not found/],
    ['the proxy metrics', 'GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n', /burrow_proxy_requests_total/],
  ];
  for (const [name, bytes, expected] of handed) {
    test(`handed to node:http: ${name}`, async () => {
      handler = echo;
      const { text } = await exchange(port, bytes, (t) => expected.test(t));
      assert.match(text, expected);
    });
  }

  test('a malformed request is a 400 from node:http, not a crash', async () => {
    const { text, closed } = await exchange(port, 'GET / HTTP/1.1\r\nHost: alpha.localhost\r\nBad Header\r\n\r\n');
    assert.ok(closed);
    assert.match(text, /^HTTP\/1\.1 400/);
  });

  test('a request handed over after lane requests keeps working on the same connection', async () => {
    handler = echo;
    const { text } = await exchange(
      port,
      'GET /a HTTP/1.1\r\nHost: alpha.localhost\r\n\r\nPOST /b HTTP/1.1\r\nHost: alpha.localhost\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\nGET /c HTTP/1.1\r\nHost: alpha.localhost\r\nConnection: close\r\n\r\n',
    );
    assert.deepEqual([...text.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]), ['/a', '/b', '/c']);
    assert.deepEqual(lanes(), ['fast', 'http', 'http']);
  });

  test('an idle tenant connection closed by the tenant is replaced for the next request', async () => {
    const tenantSockets: Socket[] = [];
    const short = createServer((_req, res) => res.end('ok'));
    short.keepAliveTimeout = 50;
    short.on('connection', (s: Socket) => tenantSockets.push(s));
    runtime.endpoints.set(A, endpointAt(await listen(short)));
    const socket = connect(port, '127.0.0.1');
    try {
      socket.setEncoding('latin1');
      let text = '';
      socket.on('data', (d: string) => (text += d));
      socket.write('GET / HTTP/1.1\r\nHost: alpha.localhost\r\n\r\n');
      while (statuses(text).length < 1 || !text.endsWith('ok')) await once(socket, 'data');
      await once(tenantSockets[0], 'close'); // the tenant's keep-alive timeout
      socket.write('GET / HTTP/1.1\r\nHost: alpha.localhost\r\n\r\n');
      while (statuses(text).length < 2 || !text.endsWith('ok')) await once(socket, 'data');
      assert.equal(tenantSockets.length, 2);
      assert.equal(socket.destroyed, false, 'the client connection survived');
      assert.deepEqual(lanes(), ['fast', 'fast']);
    } finally {
      socket.destroy();
      short.closeAllConnections();
      short.close();
    }
  });

  test('a client that goes away takes its idle tenant connection with it', async () => {
    let tenantSocket: Socket | undefined;
    const tracked = createServer((_req, res) => res.end('ok'));
    tracked.on('connection', (s: Socket) => (tenantSocket = s));
    runtime.endpoints.set(A, endpointAt(await listen(tracked)));
    try {
      const { socket } = await exchange(port, 'GET / HTTP/1.1\r\nHost: alpha.localhost\r\n\r\n', (t) => t.endsWith('ok'));
      assert.ok(tenantSocket !== undefined && !tenantSocket.destroyed);
      const gone = once(tenantSocket, 'close');
      socket.destroy();
      await gone;
    } finally {
      tracked.closeAllConnections();
      tracked.close();
    }
  });

  test('a tenant that drops a GET before answering: the GET is replayed through node:http', async () => {
    let seen = 0;
    handler = (req, res) => {
      seen++;
      if (seen === 1) req.socket.destroy();
      else res.end('second try');
    };
    const res = await send(port, 'alpha.localhost', { path: '/flaky' });
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'second try');
    assert.equal(seen, 2);
  });

  test('a tenant that drops a POST before answering: 502 JSON, never sent twice', async () => {
    let seen = 0;
    handler = (req) => {
      seen++;
      req.socket.destroy();
    };
    const res = await send(port, 'alpha.localhost', { method: 'POST', path: '/once', body: 'x' });
    assert.equal(res.status, 502);
    assert.deepEqual(res.json(), { status: 502, message: 'The instance did not answer.', data: {} });
    assert.equal(seen, 1);
  });

  test('a tenant that moved (restart on a new port): even a POST is replayed, it never arrived', async () => {
    const closed = createNetServer();
    const deadPort = await listen(closed);
    await new Promise((r) => closed.close(r));
    // The lane's lookup finds the old port; node:http's, a moment later, the new one.
    runtime.endpoints.set(A, endpointAt(deadPort));
    runtime.onStatus = () => runtime.endpoints.set(A, endpointAt(upstreamPort));
    let seen = 0;
    handler = (req, res) => {
      seen++;
      echo(req, res);
    };
    try {
      const res = await send(port, 'alpha.localhost', { method: 'POST', path: '/moved', body: 'payload' });
      assert.equal(res.status, 200);
      assert.deepEqual([(res.json() as { url: string }).url, (res.json() as { body: string }).body], ['/moved', 'payload']);
      assert.equal(seen, 1);
      assert.deepEqual(lanes(), ['http']);
    } finally {
      runtime.onStatus = undefined;
    }
  });

  test('a response without length is read until the tenant closes, then the client connection closes', async () => {
    const raw = createNetServer((s) => {
      s.once('data', () => s.end('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil close'));
    });
    runtime.endpoints.set(A, endpointAt(await listen(raw)));
    try {
      const { text, closed } = await exchange(port, 'GET / HTTP/1.1\r\nHost: alpha.localhost\r\n\r\n');
      assert.ok(closed);
      assert.match(text, /\r\n\r\nuntil close$/);
    } finally {
      raw.close();
    }
  });

  test('HEAD answers carry no body and the connection goes on', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-length': 10 }).end();
    const { text } = await exchange(
      port,
      'HEAD / HTTP/1.1\r\nHost: alpha.localhost\r\n\r\nGET / HTTP/1.1\r\nHost: bravo.localhost\r\nConnection: close\r\n\r\n',
    );
    assert.deepEqual(statuses(text), ['200', '200']);
    assert.match(text, /bravo/);
  });

  test('a tenant answering garbage is a 502 (POST) and the client is not left hanging', async () => {
    const raw = createNetServer((s) => {
      s.once('data', () => s.write('SSH-2.0-nonsense\r\n\r\n'));
      s.on('error', () => undefined);
    });
    runtime.endpoints.set(A, endpointAt(await listen(raw)));
    try {
      const { text, closed } = await exchange(port, 'POST / HTTP/1.1\r\nHost: alpha.localhost\r\nContent-Length: 0\r\n\r\n');
      assert.ok(closed);
      assert.match(text, /^HTTP\/1\.1 502/);
      assert.ok(logger.lines.some((l) => l.message === 'upstream protocol error'));
    } finally {
      raw.close();
    }
  });

  test('a tenant that sends bytes after its response: the next pipelined request gets a fresh connection', async () => {
    let connections = 0;
    const raw = createNetServer((s) => {
      connections++;
      const first = connections === 1;
      s.on('data', () => s.write(first ? 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA' : 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfine'));
      s.on('error', () => undefined);
    });
    runtime.endpoints.set(A, endpointAt(await listen(raw)));
    try {
      const { text } = await exchange(
        port,
        'GET /1 HTTP/1.1\r\nHost: alpha.localhost\r\n\r\nGET /2 HTTP/1.1\r\nHost: alpha.localhost\r\n\r\n',
        (t) => t.endsWith('fine'),
      );
      assert.deepEqual(statuses(text), ['200', '200']);
      assert.match(text, /\r\n\r\nok(?!EXTRA)/);
      assert.equal(connections, 2);
      assert.ok(logger.lines.some((l) => l.message === 'upstream protocol error'));
    } finally {
      raw.close();
    }
  });

  test('a head trickling in byte by byte is cut at headersTimeoutMs from its first byte', async () => {
    const socket = connect(port, '127.0.0.1');
    // The cut may arrive as a reset (a byte written after the proxy closed): 'close' follows either way.
    socket.on('error', () => undefined);
    const started = Date.now();
    socket.write('GET / HTTP/1.1\r\nX-Slow: ');
    const trickle = setInterval(() => socket.writable && socket.write('a'), 50);
    try {
      // not once(): it rejects when the reset's 'error' comes first
      await new Promise((resolve) => socket.once('close', resolve));
    } finally {
      clearInterval(trickle);
    }
    const took = Date.now() - started;
    assert.ok(took >= 250 && took < 2_000, `closed after ${took} ms`);
  });

  test('a body that stalls is cut at requestTimeoutMs, and the tenant side with it', async () => {
    let tenantClosed: Promise<unknown> = Promise.resolve();
    handler = (req, res) => {
      tenantClosed = new Promise((resolve) => req.once('close', resolve)); // not once(): it rejects on the 'aborted' error
      req.on('error', () => undefined); // 'aborted': the point of the test
      req.resume();
      req.on('end', () => res.end('never'));
    };
    const started = Date.now();
    const { closed, text } = await exchange(port, 'POST /slow HTTP/1.1\r\nHost: alpha.localhost\r\nContent-Length: 10\r\n\r\nabc');
    assert.ok(closed);
    assert.equal(text, '');
    assert.ok(Date.now() - started >= 450, 'not before the deadline');
    await tenantClosed;
  });

  test('an incomplete head is closed after headersTimeoutMs', async () => {
    const started = Date.now();
    const { closed } = await exchange(port, 'GET / HTTP/1.1\r\nHost: alpha.localhost\r\n');
    assert.ok(closed);
    assert.ok(Date.now() - started >= 250, 'not before the timeout');
  });

  test('a client half-closing an event stream ends the tenant side too', async () => {
    let tenantClosed: Promise<unknown> = Promise.resolve();
    handler = (req, res) => {
      tenantClosed = once(res, 'close');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
    };
    const socket = connect(port, '127.0.0.1');
    socket.setEncoding('latin1');
    let text = '';
    socket.on('data', (d: string) => (text += d));
    socket.write('GET /sse HTTP/1.1\r\nHost: alpha.localhost\r\n\r\n');
    while (!text.includes('data: 1')) await once(socket, 'data');
    socket.end();
    await tenantClosed;
    await once(socket, 'close');
    const line = await logger.waitFor('request', { path: '/sse' });
    assert.equal(line.fields.aborted, true);
    assert.equal(line.fields.lane, 'fast');
  });

  test('a 4 MiB chunked download streams through intact', async () => {
    const block = Buffer.alloc(64 * 1024, 'z');
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let left = 64;
      const pump = (): void => {
        while (left > 0) {
          left--;
          if (!res.write(block)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    };
    const res = await send(port, 'alpha.localhost', { path: '/big' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    assert.equal(res.body.length, 64 * block.length);
    assert.ok(res.body.every((b) => b === 0x7a));
  });
});
