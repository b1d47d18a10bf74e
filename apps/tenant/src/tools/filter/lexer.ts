/**
 * Tokenizer of PocketBase's filter language (the grammar of ganigeorgiev/fexpr v0.6.0, which
 * PocketBase v0.39 uses). Like fexpr, a parenthesised group is one `group` token holding its raw
 * inner text, which the parser tokenizes again; this keeps fexpr's exact acceptance rules (for
 * example a `)` or a quote inside a `//` comment within a group still counts, as it does there).
 */
import { FilterError } from './errors.js';
import { quoteChar, quoteString } from './quote.js';

/** The kinds of token the scanner produces. */
export type TokenKind =
  | 'whitespace'
  | 'comment'
  | 'identifier'
  | 'function'
  | 'number'
  | 'text'
  | 'sign'
  | 'join'
  | 'group';

/** One scanned token; `literal` is unquoted/unescaped text for `text`, raw inner text for `group`. */
export interface Token {
  kind: TokenKind;
  literal: string;
  /** Arguments of a `function` token (identifiers, numbers, texts or nested functions). */
  args?: Token[];
}

/** Comparison operators of the language. */
export const SIGN_OPERATORS = [
  '=', '!=', '~', '!~', '<', '<=', '>', '>=',
  '?=', '?!=', '?~', '?!~', '?<', '?<=', '?>', '?>=',
] as const;

/** A comparison operator. */
export type SignOp = (typeof SIGN_OPERATORS)[number];

/** A join operator between expressions. */
export type JoinOp = '&&' | '||';

/** How deeply function calls may nest as arguments of each other (fexpr: `a(b(c()))` at most). */
export const MAX_FUNCTION_DEPTH = 3;

const SIGN_SET: ReadonlySet<string> = new Set(SIGN_OPERATORS);
const EOF = '';

const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\n';
const isLetter = (ch: string): boolean => (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
const isDigit = (ch: string): boolean => ch >= '0' && ch <= '9';
const isTextStart = (ch: string): boolean => ch === "'" || ch === '"';
const isNumberStart = (ch: string): boolean => ch === '-' || isDigit(ch);
const isSignChar = (ch: string): boolean => ch.length === 1 && '=?!><~'.includes(ch);
const isJoinChar = (ch: string): boolean => ch === '&' || ch === '|';
const isCommentStart = (ch: string): boolean => ch === '/';
const isSpecialIdentStart = (ch: string): boolean => ch === '@' || ch === '_' || ch === '#';
const isIdentStart = (ch: string): boolean => isLetter(ch) || isSpecialIdentStart(ch);
const isIdentCombine = (ch: string): boolean => ch === '.' || ch === ':';
const isIdentPart = (ch: string): boolean => isLetter(ch) || isDigit(ch) || isIdentCombine(ch) || ch === '_';

/** Whether a scanned identifier or function name is acceptable (fexpr's rule). */
export function isValidIdentifier(literal: string): boolean {
  if (literal.length === 0) return false;
  if (isIdentCombine(literal[literal.length - 1])) return false;
  return !(literal.length === 1 && isSpecialIdentStart(literal));
}

/** A token plus the error met while scanning it (fexpr reports both; the message nests them). */
interface Scanned {
  token: Token;
  error?: string;
}

/** Reads tokens one at a time from a filter string; throws FilterError on the first bad token. */
export class Scanner {
  private pos = 0;
  /** UTF-16 width of the last read character, -1 when there is nothing to unread. */
  private lastWidth = -1;

  constructor(private readonly src: string) {}

  /** The next token, or null at the end of input. */
  next(): Token | null {
    const scanned = this.scan();
    if (scanned === null) return null;
    if (scanned.error !== undefined) throw new FilterError(scanned.error);
    return scanned.token;
  }

  private scan(): Scanned | null {
    const ch = this.peek();
    if (ch === EOF) return null;
    if (isWhitespace(ch)) return this.scanWhitespace();
    if (ch === '(') return this.scanGroup();
    if (isIdentStart(ch)) return this.scanIdentifier(MAX_FUNCTION_DEPTH);
    if (isNumberStart(ch)) return this.scanNumber();
    if (isTextStart(ch)) return this.scanText(false);
    if (isSignChar(ch)) return this.scanSign();
    if (isJoinChar(ch)) return this.scanJoin();
    if (isCommentStart(ch)) return this.scanComment();
    throw new FilterError(`unexpected character ${quoteChar(ch)}`);
  }

  private peek(): string {
    const ch = this.read();
    this.unreadOnce();
    return ch;
  }

  private read(): string {
    if (this.pos >= this.src.length) {
      this.lastWidth = -1;
      return EOF;
    }
    const cp = this.src.codePointAt(this.pos) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    const ch = this.src.slice(this.pos, this.pos + width);
    this.pos += width;
    this.lastWidth = width;
    return ch;
  }

  private unreadOnce(): void {
    if (this.lastWidth < 0) return;
    this.pos -= this.lastWidth;
    this.lastWidth = -1;
  }

  private scanWhitespace(): Scanned {
    return { token: { kind: 'whitespace', literal: this.scanRun(isWhitespace) } };
  }

  /** Integers and decimals with an optional leading minus (no exponent, no leading/trailing dot). */
  private scanNumber(): Scanned {
    let buf = '';
    let hadDot = false;
    for (;;) {
      const ch = this.read();
      if (ch === EOF) break;
      const ok = isDigit(ch) || (ch === '-' && buf.length === 0) || (ch === '.' && !hadDot);
      if (!ok) {
        this.unreadOnce();
        break;
      }
      if (ch === '.') hadDot = true;
      buf += ch;
    }
    const token: Token = { kind: 'number', literal: buf };
    if (buf === '-' || buf.startsWith('.') || buf.endsWith('.')) {
      return { token, error: `invalid number ${quoteString(buf)}` };
    }
    return { token };
  }

  /**
   * Quoted text. Escapes: \n \t \r \\ \' \" ; any other backslash pair is kept as written.
   * With `raw` the quotes and escapes are kept untouched (used inside groups, parsed again later).
   */
  private scanText(raw: boolean): Scanned {
    const quote = this.read();
    let buf = raw ? quote : '';
    let escaping = false;
    let closed = false;
    for (;;) {
      const ch = this.read();
      if (ch === EOF) break;
      if (escaping) {
        escaping = false;
        buf += raw ? ch : unescape(ch);
      } else if (ch === '\\') {
        escaping = true;
        if (raw) buf += ch;
      } else if (ch === quote) {
        closed = true;
        if (raw) buf += ch;
        break;
      } else {
        buf += ch;
      }
    }
    if (!closed) {
      const shown = raw ? buf : quote + buf;
      return { token: { kind: 'text', literal: shown }, error: `invalid quoted text ${quoteString(shown)}` };
    }
    return { token: { kind: 'text', literal: buf } };
  }

  /** A `//` comment up to the end of the line (the newline is consumed). */
  private scanComment(): Scanned {
    if (!isCommentStart(this.read()) || !isCommentStart(this.read())) {
      return { token: { kind: 'comment', literal: '' }, error: 'invalid comment' };
    }
    let buf = '';
    for (;;) {
      const ch = this.read();
      if (ch === EOF || ch === '\n') break;
      buf += ch;
    }
    return { token: { kind: 'comment', literal: buf.trim() } };
  }

  private scanIdentifier(funcDepth: number): Scanned {
    let buf = this.read();
    for (;;) {
      const ch = this.read();
      if (ch === EOF) break;
      if (ch === '(') {
        const fn: Token = { kind: 'function', literal: buf, args: [] };
        if (funcDepth <= 0) {
          return { token: fn, error: `max nested function arguments reached (max: ${MAX_FUNCTION_DEPTH})` };
        }
        if (!isValidIdentifier(buf)) return { token: fn, error: `invalid function name ${quoteString(buf)}` };
        this.unreadOnce();
        return this.scanFunctionArgs(buf, funcDepth);
      }
      if (!isIdentPart(ch)) {
        this.unreadOnce();
        break;
      }
      buf += ch;
    }
    const token: Token = { kind: 'identifier', literal: buf };
    if (!isValidIdentifier(buf)) return { token, error: `invalid identifier ${quoteString(buf)}` };
    return { token };
  }

  private scanRun(isPart: (ch: string) => boolean): string {
    let buf = '';
    for (;;) {
      const ch = this.read();
      if (ch === EOF) break;
      if (!isPart(ch)) {
        this.unreadOnce();
        break;
      }
      buf += ch;
    }
    return buf;
  }

  private scanSign(): Scanned {
    const literal = this.scanRun(isSignChar);
    const token: Token = { kind: 'sign', literal };
    if (!SIGN_SET.has(literal)) return { token, error: `invalid sign operator ${quoteString(literal)}` };
    return { token };
  }

  private scanJoin(): Scanned {
    const literal = this.scanRun(isJoinChar);
    const token: Token = { kind: 'join', literal };
    if (literal !== '&&' && literal !== '||') return { token, error: `invalid join operator ${quoteString(literal)}` };
    return { token };
  }

  /** Everything up to the matching `)`, counting nested `(` and skipping over quoted text. */
  private scanGroup(): Scanned {
    this.read();
    let open = 1;
    let buf = '';
    for (;;) {
      const ch = this.read();
      if (ch === EOF) break;
      if (ch === '(') {
        open++;
        buf += ch;
      } else if (isTextStart(ch)) {
        this.unreadOnce();
        const text = this.scanText(true);
        buf += text.token.literal;
        if (text.error !== undefined) return { token: { kind: 'group', literal: buf }, error: text.error };
      } else if (ch === ')') {
        open--;
        if (open <= 0) break;
        buf += ch;
      } else {
        buf += ch;
      }
    }
    const token: Token = { kind: 'group', literal: buf };
    if (open > 0) return { token, error: `invalid formatted group - missing ${open} closing bracket(s)` };
    return { token };
  }

  /** `name(arg, arg, ...)`: comma separated, one trailing comma allowed, comments and spaces skipped. */
  private scanFunctionArgs(name: string, funcDepth: number): Scanned {
    const args: Token[] = [];
    const fn: Token = { kind: 'function', literal: name, args };
    const fail = (error: string): Scanned => ({ token: fn, error });
    const quotedName = quoteString(name);

    if (this.read() !== '(') return fail(`invalid or incomplete function call ${quotedName}`);

    let expectComma = false;
    let closed = false;
    for (;;) {
      const ch = this.read();
      if (ch === EOF) break;
      if (ch === ')') {
        closed = true;
        break;
      }
      if (isWhitespace(ch)) {
        this.scanWhitespace();
        continue;
      }
      if (isCommentStart(ch)) {
        this.unreadOnce();
        const comment = this.scanComment();
        if (comment.error !== undefined) return fail(`failed to scan comment in function ${quotedName}: ${comment.error}`);
        continue;
      }

      const isComma = ch === ',';
      if (expectComma && !isComma) return fail(`expected comma after the last argument in function ${quotedName}`);
      if (!expectComma && isComma) return fail(`unexpected comma in function ${quotedName}`);
      expectComma = false;
      if (isComma) continue;

      let arg: Scanned;
      let what: string;
      if (isIdentStart(ch)) {
        this.unreadOnce();
        arg = this.scanIdentifier(funcDepth - 1);
        what = 'identifier';
      } else if (isNumberStart(ch)) {
        this.unreadOnce();
        arg = this.scanNumber();
        what = 'number';
      } else if (isTextStart(ch)) {
        this.unreadOnce();
        arg = this.scanText(false);
        what = 'text';
      } else {
        return fail(`unsupported argument character ${quoteChar(ch)} in function ${quotedName}`);
      }
      if (arg.error !== undefined) {
        return fail(`invalid ${what} argument ${quoteString(arg.token.literal)} in function ${quotedName}: ${arg.error}`);
      }
      args.push(arg.token);
      expectComma = true;
    }

    if (!closed) return fail(`invalid or incomplete function ${quotedName} (expected ')')`);
    return { token: fn };
  }
}

function unescape(ch: string): string {
  switch (ch) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case '\\':
    case "'":
    case '"':
      return ch;
    default:
      return '\\' + ch;
  }
}

/** All tokens of a string (whitespace and comments included); throws FilterError on the first bad one. */
export function tokenize(source: string): Token[] {
  const scanner = new Scanner(source);
  const tokens: Token[] = [];
  for (let t = scanner.next(); t !== null; t = scanner.next()) tokens.push(t);
  return tokens;
}
