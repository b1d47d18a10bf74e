/**
 * The parts of Go's net/url.Parse that decide URL field validity and the host compared
 * against onlyDomains/exceptDomains (errors and Host, after percent-decoding).
 */

/** The pieces of a parsed URL the fields need. */
export interface GoUrl {
  scheme: string;
  opaque: string;
  host: string;
  path: string;
}

const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

type Mode = 'host' | 'path' | 'fragment' | 'user';

/** Go's shouldEscape for host names: which ASCII bytes are not allowed raw. */
function hostNeedsEscape(c: string): boolean {
  if (/^[A-Za-z0-9]$/.test(c)) return false;
  return !"-_.~!$&'()*+,;=:[]<>\"".includes(c);
}

/** Go's unescape: validates % escapes (and host characters); returns the decoded text or undefined. */
function unescape(s: string, mode: Mode): string | undefined {
  const bytes: number[] = [];
  const raw = Buffer.from(s, 'utf8');
  for (let i = 0; i < raw.length;) {
    const c = String.fromCharCode(raw[i]);
    if (c === '%') {
      const h1 = String.fromCharCode(raw[i + 1] ?? 0);
      const h2 = String.fromCharCode(raw[i + 2] ?? 0);
      if (i + 2 >= raw.length || !isHex(h1) || !isHex(h2)) return undefined;
      // In hosts, %-escapes may only encode non-ASCII bytes (and %25 for IPv6 zones).
      if (mode === 'host' && Number.parseInt(h1, 16) < 8 && `${h1}${h2}` !== '25') return undefined;
      bytes.push(Number.parseInt(h1 + h2, 16));
      i += 3;
      continue;
    }
    if (mode === 'host' && raw[i] < 0x80 && hostNeedsEscape(c)) return undefined;
    bytes.push(raw[i]);
    i++;
  }
  return Buffer.from(bytes).toString('utf8');
}

function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

function parseHost(host: string): string | undefined {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0 || !validOptionalPort(host.slice(i + 1))) return undefined;
  } else {
    const i = host.lastIndexOf(':');
    if (i >= 0 && !validOptionalPort(host.slice(i))) return undefined;
  }
  return unescape(host, 'host');
}

const USERINFO_OK = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;

/** Go's url.Parse; undefined where Go returns an error. */
export function parseGoUrl(rawUrl: string): GoUrl | undefined {
  const hashAt = rawUrl.indexOf('#');
  const beforeFrag = hashAt < 0 ? rawUrl : rawUrl.slice(0, hashAt);
  if (hashAt >= 0 && unescape(rawUrl.slice(hashAt + 1), 'fragment') === undefined) return undefined;
  // Control bytes are rejected anywhere before the fragment.
  if (/[\x00-\x1f\x7f]/.test(beforeFrag)) return undefined;
  if (beforeFrag === '*') return { scheme: '', opaque: '', host: '', path: '*' };

  let scheme = '';
  let rest = beforeFrag;
  for (let i = 0; i < beforeFrag.length; i++) {
    const c = beforeFrag[i];
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ':') {
      if (i === 0) return undefined; // missing protocol scheme
      scheme = beforeFrag.slice(0, i).toLowerCase();
      rest = beforeFrag.slice(i + 1);
    }
    break;
  }

  if (rest.endsWith('?') && rest.split('?').length === 2) rest = rest.slice(0, -1);
  else {
    const q = rest.indexOf('?');
    if (q >= 0) rest = rest.slice(0, q);
  }

  if (!rest.startsWith('/')) {
    if (scheme !== '') return { scheme, opaque: rest, host: '', path: '' };
    const firstSegment = rest.split('/')[0];
    if (firstSegment.includes(':')) return undefined;
  }

  let host = '';
  if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    const at = authority.lastIndexOf('@');
    const parsedHost = parseHost(at < 0 ? authority : authority.slice(at + 1));
    if (parsedHost === undefined) return undefined;
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!USERINFO_OK.test(userinfo) || unescape(userinfo, 'user') === undefined) return undefined;
    }
    host = parsedHost;
  }
  const path = unescape(rest, 'path');
  if (path === undefined) return undefined;
  return { scheme, opaque: '', host, path };
}
