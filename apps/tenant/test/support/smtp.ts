/**
 * A real SMTP server for tests (the `smtp-server` package) on a free loopback port. It
 * accepts every message, keeps them in order, and lets a test wait for the next one sent to
 * an address. Bodies are decoded from quoted-printable so tokens and links can be read.
 */
import { SMTPServer } from 'smtp-server';

/** A received message. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  /** The decoded HTML part (or the whole decoded body when it is not multipart). */
  html: string;
  raw: string;
}

/** A running test SMTP server. */
export interface SmtpHandle {
  host: string;
  port: number;
  messages: ReceivedMail[];
  /** Resolves with the next message to `address` that arrives (or arrived unclaimed). */
  next(address: string, timeoutMs?: number): Promise<ReceivedMail>;
  /** Messages to `address` so far. */
  to(address: string): ReceivedMail[];
  close(): Promise<void>;
}

function decodeQuotedPrintable(text: string): string {
  const bytes = Buffer.from(text.replace(/=\r?\n/g, ''), 'latin1');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x3d && i + 2 < bytes.length && /^[0-9A-F]{2}$/i.test(bytes.toString('latin1', i + 1, i + 3))) {
      out.push(parseInt(bytes.toString('latin1', i + 1, i + 3), 16));
      i += 2;
    } else out.push(bytes[i]);
  }
  return Buffer.from(out).toString('utf8');
}

function decodeHeader(value: string): string {
  // =?UTF-8?Q?...?= and =?UTF-8?B?...?= encoded words, as nodemailer writes long or non-ASCII subjects
  return value.replace(/=\?utf-8\?([qb])\?([^?]*)\?=\s*/gi, (_m, enc: string, data: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
}

function parse(raw: string, from: string, to: string[]): ReceivedMail {
  const [head] = raw.split(/\r?\n\r?\n/, 1);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const subject = decodeHeader(/^subject: (.*)$/im.exec(unfolded)?.[1] ?? '');
  // The HTML part: after its headers, up to the next boundary.
  const htmlPart = /content-type: text\/html[^\n]*\n(?:[^\n]+\n)*?\r?\n([\s\S]*?)(?:\r?\n--|$)/i.exec(raw);
  const encoding = htmlPart ? /content-transfer-encoding: (\S+)/i.exec(raw.slice(Math.max(0, htmlPart.index), htmlPart.index + 300))?.[1] : undefined;
  let html = htmlPart?.[1] ?? raw.slice(head.length);
  if (encoding?.toLowerCase() === 'base64') html = Buffer.from(html.replace(/\s+/g, ''), 'base64').toString('utf8');
  else html = decodeQuotedPrintable(html);
  return { from, to, subject, html, raw };
}

/** Starts the server; every message is accepted (any auth). */
export async function startSmtp(): Promise<SmtpHandle> {
  const messages: ReceivedMail[] = [];
  const claimed = new Set<ReceivedMail>();
  const waiters: Array<{ address: string; resolve: (m: ReceivedMail) => void }> = [];
  const deliver = (m: ReceivedMail) => {
    messages.push(m);
    const i = waiters.findIndex((w) => m.to.includes(w.address));
    if (i >= 0) {
      claimed.add(m);
      waiters.splice(i, 1)[0].resolve(m);
    }
  };
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        deliver(parse(raw, from, session.envelope.rcptTo.map((r) => r.address)));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: '127.0.0.1',
    port,
    messages,
    to: (addr) => messages.filter((m) => m.to.includes(addr)),
    next(addr, timeoutMs = 10_000) {
      const waiting = messages.find((m) => m.to.includes(addr) && !claimed.has(m));
      if (waiting) {
        claimed.add(waiting);
        return Promise.resolve(waiting);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no mail to ${addr} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ address: addr, resolve: (m) => { clearTimeout(timer); resolve(m); } });
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
