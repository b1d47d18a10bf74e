/**
 * The process behind startS3Server: s3rver on 127.0.0.1 (port 0: the kernel picks), objects
 * under the directory given as argv[2]. It prints `{"port":N}` once listening, and closes (and
 * removes that directory) when told to (SIGTERM) or when its parent goes away (stdin ends), so
 * no test leaves it or its files behind.
 *
 * s3rver 3.7.1 checks only the access key id of a SigV4 request, not its signature; so that a
 * wrong secret is refused as by a real store, header-signed requests are verified here first
 * (the payload hash is taken from x-amz-content-sha256, not recomputed). Unsigned requests pass.
 *
 * It also lists a delimited prefix wrongly: a "folder" holding only deeper keys
 * (`generations/<id>/wal/...` under `generations/`) is left out of CommonPrefixes, and that is
 * how Litestream finds its generations. Delimited listings are therefore built here from the
 * full key list under the prefix, grouped by the delimiter as S3 does.
 */
import { createHash, createHmac } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import S3rver from 's3rver';

/** What s3rver's filesystem store answers to a listing (the parts used here). */
interface StoreListing {
  objects: { key: string }[];
  commonPrefixes: string[];
  isTruncated: boolean;
}

interface StoreListOptions {
  delimiter?: string;
  prefix?: string;
  startAfter?: string;
  maxKeys?: number;
}

/** s3rver's store: a plain property of the instance that @types/s3rver omits. */
interface S3rverInternals {
  store: { listObjects(bucket: string, options: StoreListOptions): Promise<StoreListing> };
}

/** The one key pair accepted (s3rver's built-in account). */
const SECRETS = new Map([['S3RVER', 'S3RVER']]);

const directory = process.argv[2];
if (!directory) throw new Error('usage: s3_server_main <directory>');

const s3rver = new S3rver({ silent: true, directory });
fixDelimitedListing((s3rver as unknown as S3rverInternals).store);
const handle = s3rver.callback();
const server = createServer((req, res) => {
  const refused = signatureProblem(req);
  if (refused) sendError(res, 403, 'SignatureDoesNotMatch', refused);
  else handle(req, res);
});

let closing = false;
function close(): void {
  if (closing) return;
  closing = true;
  // Keep-alive connections of clients that are gone would hold close() open.
  server.closeAllConnections();
  server.close(() => {
    rmSync(directory, { recursive: true, force: true });
    process.exit(0);
  });
}
process.on('SIGTERM', close);
process.on('SIGINT', close);
process.stdin.on('end', close);
process.stdin.on('error', close);
process.stdin.resume();

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});

/** Why a header-signed (SigV4) request's signature is wrong; undefined when it is right or absent. */
function signatureProblem(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (!auth?.startsWith('AWS4-HMAC-SHA256 ')) return undefined; // unsigned, or left to s3rver
  const parts = Object.fromEntries(auth.slice(17).split(',').map((p) => splitOnce(p.trim(), '=')));
  const [keyId = '', date = '', region = '', service = ''] = (parts.Credential ?? '').split('/');
  const secret = SECRETS.get(keyId);
  if (!secret) return undefined; // s3rver answers InvalidAccessKeyId
  const signedHeaders = (parts.SignedHeaders ?? '').split(';');
  const amzDate = header(req, 'x-amz-date');
  const [path, query] = splitOnce(req.url ?? '/', '?');
  const canonicalRequest = [
    req.method ?? 'GET',
    path,
    canonicalQuery(query),
    ...signedHeaders.map((h) => `${h}:${header(req, h).trim().replace(/\s+/g, ' ')}`),
    '',
    signedHeaders.join(';'),
    header(req, 'x-amz-content-sha256') || 'UNSIGNED-PAYLOAD',
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  return expected === parts.Signature ? undefined : 'The request signature we calculated does not match the signature you provided. Check your key and signing method.';
}

/** `s` cut at the first `sep` (the second part empty when there is none). */
function splitOnce(s: string, sep: string): [string, string] {
  const at = s.indexOf(sep);
  return at === -1 ? [s, ''] : [s.slice(0, at), s.slice(at + sep.length)];
}

function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}

/** The query as SigV4 signs it: each name and value RFC 3986-encoded, sorted. */
function canonicalQuery(query: string): string {
  const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  return query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const [k, v] = splitOnce(pair, '=');
      return [encode(decode(k)), encode(decode(v))] as const;
    })
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

/** Replaces the store's delimited listing with one built from all keys under the prefix. */
function fixDelimitedListing(store: S3rverInternals['store']): void {
  const listAll = store.listObjects.bind(store);
  store.listObjects = async (bucket, options) => {
    const delimiter = options.delimiter ?? '';
    if (!delimiter) return listAll(bucket, options);
    const prefix = options.prefix ?? '';
    const all = await listAll(bucket, { ...options, delimiter: '', maxKeys: Number.POSITIVE_INFINITY });
    const objects: { key: string }[] = [];
    const commonPrefixes = new Set<string>();
    for (const object of all.objects) {
      const at = object.key.indexOf(delimiter, prefix.length);
      if (at === -1) objects.push(object);
      else commonPrefixes.add(object.key.slice(0, at + delimiter.length));
    }
    const maxKeys = options.maxKeys ?? Number.POSITIVE_INFINITY;
    return { objects: objects.slice(0, maxKeys), commonPrefixes: [...commonPrefixes].sort(), isTruncated: objects.length > maxKeys };
  };
}
