/**
 * String format checks with the exact acceptance of the Go validators PocketBase uses
 * (ozzo-validation `is.EmailFormat`, `is.URL`, `is.Domain`, backed by govalidator).
 * The grammars are expressed as Go regexps and run on the RE2-compatible matcher.
 */
import { runeCount } from './cast.js';
import { parseGoUrl } from './go_url.js';
import { GoRegexp } from './goregexp/index.js';

// Non-ASCII ranges govalidator accepts in emails.
const UCS = '\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}';
const ATEXT = `([a-zA-Z]|\\d|[!#\\$%&'\\*\\+\\-\\/=\\?\\^_\`{\\|}~]|[${UCS}])`;
const DOT_ATOM = `(${ATEXT}+(\\.${ATEXT}+)*)`;
const FWS = '(((\\x20|\\x09)*(\\x0d\\x0a))?(\\x20|\\x09)+)';
const QTEXT = `([\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]|\\x21|[\\x23-\\x5b]|[\\x5d-\\x7e]|[${UCS}])`;
const QPAIR = `(\\([\\x01-\\x09\\x0b\\x0c\\x0d-\\x7f]|[${UCS}])`;
// govalidator's quoted local part has misplaced parentheses: each repetition is a quote
// followed by one character, so `"a"@b.co` and even `"@b.co` pass while `"ab"@b.co` fails.
const QUOTED = `((\\x22)(${FWS}?(${QTEXT}|${QPAIR})))*${FWS}?(\\x22)`;
const LABEL_CHAR = `([a-zA-Z]|\\d|[${UCS}])`;
const LABEL = `(${LABEL_CHAR}|(${LABEL_CHAR}([a-zA-Z]|\\d|-|\\.|_|~|[${UCS}])*${LABEL_CHAR}))`;
const TLD_CHAR = `([a-zA-Z]|[${UCS}])`;
const TLD = `(${TLD_CHAR}|(${TLD_CHAR}([a-zA-Z]|\\d|-|_|~|[${UCS}])*${TLD_CHAR}))`;
const EMAIL = GoRegexp.compile(`^((${DOT_ATOM}|(${QUOTED}))@(${LABEL}\\.)+${TLD}\\.?)$`);

/** govalidator.IsEmail (what is.EmailFormat checks). */
export function isEmailFormat(s: string): boolean {
  return EMAIL.test(s);
}

// ozzo-validation (PocketBase fork) is.Domain, including its quirks: the last character
// of a label must be lower case, and the punycode alternative starts with a space.
const DOMAIN = GoRegexp.compile(
  '^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-z0-9])?\\.)+(?:[a-zA-Z]{1,63}| xn--[a-z0-9]{1,59})$',
);

/** ozzo-validation is.Domain. */
export function isDomain(s: string): boolean {
  return s.length <= 255 && DOMAIN.test(s);
}

const IPV4_SEG = '(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])';
const IPV4 = `(${IPV4_SEG}\\.){3,3}${IPV4_SEG}`;
const H = '[0-9a-fA-F]{1,4}';
const IP = [
  `(${H}:){7,7}${H}`,
  `(${H}:){1,7}:`,
  `(${H}:){1,6}:${H}`,
  `(${H}:){1,5}(:${H}){1,2}`,
  `(${H}:){1,4}(:${H}){1,3}`,
  `(${H}:){1,3}(:${H}){1,4}`,
  `(${H}:){1,2}(:${H}){1,5}`,
  `${H}:((:${H}){1,6})`,
  `:((:${H}){1,7}|:)`,
  'fe80:(:[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]{1,}',
  `::(ffff(:0{1,4}){0,1}:){0,1}${IPV4}`,
  `(${H}:){1,4}:${IPV4}`,
].join('|');
const URL_SCHEMA = '((ftp|tcp|udp|wss?|https?):\\/\\/)';
const URL_USERNAME = '(\\S+(:\\S*)?@)';
const URL_PATH = '((\\/|\\?|#)[^\\s]*)';
const URL_PORT = '(:(\\d{1,5}))';
const URL_IP = '([1-9]\\d?|1\\d\\d|2[01]\\d|22[0-3]|24\\d|25[0-5])(\\.(\\d{1,2}|1\\d\\d|2[0-4]\\d|25[0-5])){2}(?:\\.([0-9]\\d?|1\\d\\d|2[0-4]\\d|25[0-5]))';
const URL_SUBDOMAIN = '((www\\.)|([a-zA-Z0-9]+([-_\\.]?[a-zA-Z0-9])*[a-zA-Z0-9]\\.[a-zA-Z0-9]+))';
const URL_HOSTNAME = `(([a-zA-Z0-9]([a-zA-Z0-9-_]+)?[a-zA-Z0-9]([-\\.][a-zA-Z0-9]+)*)|(${URL_SUBDOMAIN}?))?` +
  '(([a-zA-Z\\x{00a1}-\\x{ffff}0-9]+-?-?)*[a-zA-Z\\x{00a1}-\\x{ffff}0-9]+)(?:\\.([a-zA-Z\\x{00a1}-\\x{ffff}]{1,}))?';
const URL_RE = GoRegexp.compile(
  `^${URL_SCHEMA}?${URL_USERNAME}?((${URL_IP}|(\\[(${IP})\\])|${URL_HOSTNAME}))\\.?${URL_PORT}?${URL_PATH}?$`,
);

const MAX_URL_RUNES = 2083;
const MIN_URL_LENGTH = 3;

/** govalidator.IsURL (what is.URL checks). */
export function isUrl(s: string): boolean {
  if (s === '' || runeCount(s) >= MAX_URL_RUNES || Buffer.byteLength(s) <= MIN_URL_LENGTH || s.startsWith('.')) {
    return false;
  }
  // A colon without "://" is taken as a port: parse it as if it had a scheme.
  const candidate = s.includes(':') && !s.includes('://') ? `http://${s}` : s;
  const u = parseGoUrl(candidate);
  if (!u) return false;
  if (u.host.startsWith('.')) return false;
  if (u.host === '' && u.path !== '' && !u.path.includes('.')) return false;
  return URL_RE.test(s);
}

/** The host (with port) Go's url.Parse gives for `s`, "" when none or unparsable. */
export function urlHost(s: string): string {
  return parseGoUrl(s)?.host ?? '';
}
