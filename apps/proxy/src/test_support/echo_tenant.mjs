#!/usr/bin/env node
// A tiny stand-in tenant for proxy tests, started by ProcessRuntime like the real one
// (`serve --http 127.0.0.1:<port> --dir <dir>`). Routes:
//   GET  /env         the tenant's environment variables named by ?names=A,B as JSON
//   GET  /api/health  200 JSON
//   GET  /echo        the request's method, url and headers as JSON
//   POST /echo        streams the body straight back (backpressure through pipe)
//   GET  /sse         text/event-stream: writes `data: 1`, then one more event per POST /ack
//   POST /ack         releases the next event on every open /sse stream
import { createServer } from 'node:http';

// An instance secret ECHO_FAIL=exit makes the tenant die before it is healthy (a failed wake).
if (process.env.ECHO_FAIL === 'exit') {
  process.stderr.write('echo tenant: told to fail\n');
  process.exit(3);
}

const args = process.argv.slice(2);
const [host, port] = args[args.indexOf('--http') + 1].split(':');
const streams = new Set();

const server = createServer((req, res) => {
  const path = req.url.split('?')[0];
  if (path === '/api/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":200,"message":"API is healthy.","data":{}}');
  } else if (path === '/env') {
    const names = (new URL(req.url, 'http://x').searchParams.get('names') ?? '').split(',');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(Object.fromEntries(names.map((n) => [n, process.env[n] ?? null]))));
  } else if (path === '/echo' && req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
  } else if (path === '/echo' && req.method === 'POST') {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    req.pipe(res);
  } else if (path === '/sse') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const stream = { res, next: 1 };
    streams.add(stream);
    res.write(`data: ${stream.next++}\n\n`);
    res.on('close', () => streams.delete(stream));
  } else if (path === '/ack' && req.method === 'POST') {
    for (const stream of streams) stream.res.write(`data: ${stream.next++}\n\n`);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ streams: streams.size }));
  } else {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"status":404,"message":"nope","data":{}}');
  }
});
server.listen(Number(port), host);
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
