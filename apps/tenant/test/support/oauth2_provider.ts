/**
 * A small OAuth2 / OpenID Connect provider on loopback for tests: `/authorize` signs the
 * configured user in at once and redirects back with a code (PKCE S256 challenge kept),
 * `/token` exchanges it (client credentials, redirect URI and verifier checked; an RS256
 * id_token included), `/userinfo` answers for the access token, `/jwks` publishes the key.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

/** The user the provider signs in. */
export interface IdpUser {
  sub: string;
  name?: string;
  email?: string;
  email_verified?: boolean;
  preferred_username?: string;
  picture?: string;
}

/** A running provider. */
export interface IdpHandle {
  url: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who the next `/authorize` signs in. */
  user: IdpUser;
  /** Token requests received (for assertions). */
  tokenRequests: Array<Record<string, string>>;
  close(): Promise<void>;
}

interface Grant {
  redirectURI: string;
  challenge: string;
  user: IdpUser;
}

const readBody = (req: IncomingMessage) => new Promise<string>((resolve) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
});

function jwt(payload: Record<string, unknown>, key: KeyObject, kid: string): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc({ alg: 'RS256', typ: 'JWT', kid })}.${enc(payload)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
}

/** Starts the provider on 127.0.0.1. */
export async function startIdp(user: IdpUser): Promise<IdpHandle> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'test-key';
  const grants = new Map<string, Grant>();
  const tokens = new Map<string, IdpUser>();
  const handle: IdpHandle = {
    url: '', issuer: '', clientId: 'burrow-client', clientSecret: 'burrow-secret', user, tokenRequests: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', handle.url);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/authorize') {
      const redirectURI = url.searchParams.get('redirect_uri') ?? '';
      if (url.searchParams.get('client_id') !== handle.clientId || !redirectURI) return json(400, { error: 'invalid_request' });
      const code = randomBytes(16).toString('hex');
      grants.set(code, { redirectURI, challenge: url.searchParams.get('code_challenge') ?? '', user: { ...handle.user } });
      const back = new URL(redirectURI);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
      handle.tokenRequests.push(form);
      const grant = grants.get(form.code ?? '');
      if (form.client_id !== handle.clientId || form.client_secret !== handle.clientSecret) return json(401, { error: 'invalid_client' });
      if (!grant || form.grant_type !== 'authorization_code' || form.redirect_uri !== grant.redirectURI) return json(400, { error: 'invalid_grant', error_description: 'bad code or redirect_uri' });
      if (grant.challenge && createHash('sha256').update(form.code_verifier ?? '').digest('base64url') !== grant.challenge) {
        return json(400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
      }
      grants.delete(form.code);
      const accessToken = randomBytes(16).toString('hex');
      tokens.set(accessToken, grant.user);
      const now = Math.floor(Date.now() / 1000);
      const idToken = jwt({ iss: handle.issuer, aud: handle.clientId, iat: now, exp: now + 300, ...grant.user }, privateKey, kid);
      return json(200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600, refresh_token: 'refresh-me', id_token: idToken });
    }
    if (url.pathname === '/userinfo') {
      const user = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      return user ? json(200, user) : json(401, { error: 'invalid_token' });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] });
    return json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  handle.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  handle.issuer = handle.url;
  return handle;
}
