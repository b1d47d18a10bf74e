import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Endpoint } from '@burrow/runtime';
import { forwardRequest } from './forward.js';
import { send } from './test_support/client.js';

let upstreamHandler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
let upstream: Server;
let proxy: Server;
let proxyPort: number;
let target: Endpoint;
const agent = new Agent({ keepAlive: true });

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

before(async () => {
  upstream = createServer((req, res) => upstreamHandler(req, res));
  const port = await listen(upstream);
  target = { host: '127.0.0.1', port, url: `http://127.0.0.1:${port}` };
  proxy = createServer((req, res) => void forwardRequest(req, res, target, { agent, proto: 'http' }));
  proxyPort = await listen(proxy);
});

after(async () => {
  agent.destroy();
  proxy.closeAllConnections();
  upstream.closeAllConnections();
  await Promise.all([new Promise((r) => proxy.close(r)), new Promise((r) => upstream.close(r))]);
});

test('strips hop-by-hop headers both ways and keeps end-to-end ones', async () => {
  let seen: IncomingMessage['headers'] = {};
  upstreamHandler = (req, res) => {
    seen = req.headers;
    res.writeHead(201, { 'x-up': 'yes', connection: 'x-up-private', 'x-up-private': 'secret', 'proxy-authenticate': 'x' });
    res.end('ok');
  };
  const res = await send(proxyPort, 'acme.localhost', {
    path: '/a?b=1',
    headers: { connection: 'keep-alive, x-private', 'x-private': 'secret', te: 'trailers', 'x-custom': 'kept' },
  });
  assert.equal(res.status, 201);
  assert.equal(res.body.toString(), 'ok');
  assert.equal(res.headers['x-up'], 'yes');
  assert.equal(res.headers['x-up-private'], undefined);
  assert.equal(res.headers['proxy-authenticate'], undefined);
  assert.equal(seen['x-private'], undefined);
  assert.equal(seen.te, undefined);
  assert.equal(seen['x-custom'], 'kept');
  assert.equal(seen.host, 'acme.localhost');
});

test('an unreachable upstream is a 502 JSON error', async () => {
  const closed = createServer();
  const port = await listen(closed);
  await new Promise((r) => closed.close(r));
  const dead: Endpoint = { host: '127.0.0.1', port, url: `http://127.0.0.1:${port}` };
  const server = createServer((req, res) => void forwardRequest(req, res, dead, { agent, proto: 'http' }));
  const serverPort = await listen(server);
  try {
    const res = await send(serverPort, 'acme.localhost', { method: 'POST', path: '/x', body: 'payload' });
    assert.equal(res.status, 502);
    assert.deepEqual(res.json(), { status: 502, message: 'The instance did not answer.', data: {} });
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('a client that goes away aborts the upstream exchange', async () => {
  const upstreamClosed = new Promise<void>((resolve) => {
    upstreamHandler = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: hello\n\n');
      res.on('close', () => resolve());
    };
  });
  const req = request({ host: '127.0.0.1', port: proxyPort, path: '/sse', headers: { host: 'acme.localhost' } });
  req.end();
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  await once(res, 'data');
  req.destroy();
  await upstreamClosed;
});

test('an upstream that dies mid-response cuts the client response', async () => {
  upstreamHandler = (_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('partial');
    setImmediate(() => res.destroy());
  };
  const req = request({ host: '127.0.0.1', port: proxyPort, path: '/cut', headers: { host: 'acme.localhost' } });
  req.on('error', () => {});
  req.end();
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  const closed = new Promise<void>((resolve) => res.on('close', () => resolve()));
  res.on('error', () => {});
  res.resume();
  await closed;
  assert.equal(res.complete, false);
});

test('replayable: a fly-replay answer or a refused connection is handed back, nothing reaches the client; the same request goes on', async () => {
  upstreamHandler = (_req, res) => {
    res.writeHead(409, { 'fly-replay': 'instance=burrow-x-primary', 'content-type': 'application/json' });
    res.end('{"status":409}');
  };
  const refused: Endpoint = { host: '127.0.0.1', port: 1, url: 'http://127.0.0.1:1' };
  const server = createServer((req, res) => {
    void (async () => {
      const replayed = await forwardRequest(req, res, target, { agent, proto: 'http', replayable: true });
      const failed = await forwardRequest(req, res, refused, { agent, proto: 'http', replayable: true });
      upstreamHandler = (_r, up) => up.writeHead(200, { 'burrow-txnum': '42' }).end('served');
      const served = await forwardRequest(req, res, target, { agent, proto: 'http', replayable: true });
      results.push(replayed, failed, served);
    })();
  });
  const results: Array<{ replay?: string; retry?: boolean; status: number; txnum?: number }> = [];
  const port = await listen(server);
  const res = await send(port, 'x.localhost', { method: 'GET', path: '/x' });
  assert.equal(res.status, 200);
  assert.equal(res.body.toString(), 'served');
  assert.equal(results[0]?.replay, 'instance=burrow-x-primary');
  assert.equal(results[1]?.retry, true);
  assert.equal(results[2]?.txnum, 42);
  server.close();
});
