/** Test HTTP client: talks to 127.0.0.1 with an explicit Host header (Node does not resolve *.localhost). */
import { request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

/** A fully read response. */
export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as JSON. */
  json(): unknown;
}

/** Options of one request. */
export interface TestRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** Sends one request to `127.0.0.1:port` with `Host: host` and reads the whole answer. */
export function send(port: number, host: string, opts: TestRequest = {}): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: { ...opts.headers, host }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** An open event stream read event by event. */
export interface EventStream {
  response: IncomingMessage;
  /** Resolves the `data:` of the next event. */
  next(): Promise<string>;
  /** Closes the client side. */
  close(): void;
}

/** Opens `GET path` as an event stream and resolves once the headers are in. */
export function openEventStream(port: number, host: string, path: string): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host, accept: 'text/event-stream' }, agent: false });
    req.on('error', reject);
    req.on('response', (response) => {
      let buffer = '';
      const events: string[] = [];
      const waiters: Array<(data: string) => void> = [];
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const data = buffer.slice(0, end).replace(/^data: /, '');
          buffer = buffer.slice(end + 2);
          const waiter = waiters.shift();
          if (waiter) waiter(data);
          else events.push(data);
        }
      });
      response.on('error', () => {});
      resolve({
        response,
        next: () => {
          const queued = events.shift();
          return queued !== undefined ? Promise.resolve(queued) : new Promise((r) => waiters.push(r));
        },
        close: () => req.destroy(),
      });
    });
    req.end();
  });
}

/** The value of one series in a Prometheus text exposition (`name{labels}` as printed), or undefined. */
export function metricValue(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
