/**
 * A parser for Go's RE2 regexp syntax with Perl flags (what regexp.MatchString and
 * regexp.Compile accept), producing the tree in ast.ts and Go's error messages.
 */
import { ERR, RegexpSyntaxError, type ReNode } from './ast.js';
import {
  PERL_CLASSES, POSIX_CLASSES, foldRanges, negateRanges, normalizeRanges, unicodeClass,
} from './charclass.js';

interface Flags { i: boolean; m: boolean; s: boolean; U: boolean }

const MAX_DEPTH = 1000;
const MAX_REPEAT = 1000;

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
const isAlnum = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const hexVal = (c: number | undefined): number => {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
};

/** Parses a Go regexp; throws RegexpSyntaxError with Go's message on invalid syntax. */
export function parseGoRegexp(pattern: string): ReNode {
  return new Parser(pattern).parse();
}

class Parser {
  private readonly cp: number[];
  private pos = 0;
  private depth = 0;

  constructor(private readonly src: string) {
    this.cp = Array.from(src, (ch) => ch.codePointAt(0) as number);
  }

  parse(): ReNode {
    const node = this.parseAlternate({ i: false, m: false, s: false, U: false });
    if (this.pos < this.cp.length) throw new RegexpSyntaxError(ERR.unexpectedParen, this.src);
    return node;
  }

  private text(from: number, to: number = this.cp.length): string {
    return String.fromCodePoint(...this.cp.slice(from, to));
  }

  private peek(offset = 0): number | undefined {
    return this.cp[this.pos + offset];
  }

  private parseAlternate(flags: Flags): ReNode {
    const alts = [this.parseConcat(flags)];
    while (this.peek() === 0x7c /* | */) {
      this.pos++;
      alts.push(this.parseConcat(flags));
    }
    return alts.length === 1 ? alts[0] : { op: 'alternate', subs: alts };
  }

  private parseConcat(flags: Flags): ReNode {
    const items: ReNode[] = [];
    let lastRepeat = -1;
    while (this.pos < this.cp.length) {
      const c = this.cp[this.pos];
      if (c === 0x7c || c === 0x29 /* | ) */) break;
      const rep = this.tryRepeatOp();
      if (rep) {
        this.applyRepeat(items, rep, lastRepeat);
        lastRepeat = rep.start;
        continue;
      }
      lastRepeat = -1;
      const node = this.parseAtom(flags);
      if (!node) continue; // a flag group such as (?i)
      if (Array.isArray(node)) items.push(...node);
      else items.push(node);
    }
    if (items.length === 0) return { op: 'emptyMatch' };
    return items.length === 1 ? items[0] : { op: 'concat', subs: mergeLiterals(items) };
  }

  private tryRepeatOp(): { start: number; end: number; min: number; max: number } | undefined {
    const start = this.pos;
    const c = this.cp[start];
    let min: number;
    let max: number;
    let end: number;
    if (c === 0x2a) [min, max, end] = [0, -1, start + 1];
    else if (c === 0x2b) [min, max, end] = [1, -1, start + 1];
    else if (c === 0x3f) [min, max, end] = [0, 1, start + 1];
    else if (c === 0x7b /* { */) {
      const spec = this.parseRepeatSpec(start);
      if (!spec) return undefined;
      [min, max, end] = [spec.min, spec.max, spec.end];
      if (min < 0 || min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max)) {
        throw new RegexpSyntaxError(ERR.invalidRepeatSize, this.text(start, end));
      }
    } else return undefined;
    return { start, end, min, max };
  }

  private applyRepeat(
    items: ReNode[], rep: { start: number; end: number; min: number; max: number }, lastRepeat: number,
  ): void {
    let end = rep.end;
    if (this.cp[end] === 0x3f) end++; // non-greedy suffix: irrelevant for matching and generation
    this.pos = end;
    if (lastRepeat >= 0) throw new RegexpSyntaxError(ERR.invalidRepeatOp, this.text(lastRepeat, end));
    if (items.length === 0) throw new RegexpSyntaxError(ERR.missingRepeatArgument, this.text(rep.start, end));
    const sub = items.pop() as ReNode;
    // A repeated multi-rune literal repeats only its last rune.
    let target = sub;
    if (sub.op === 'literal' && sub.runes.length > 1) {
      items.push({ op: 'literal', runes: sub.runes.slice(0, -1), fold: sub.fold });
      target = { op: 'literal', runes: sub.runes.slice(-1), fold: sub.fold };
    }
    let node: ReNode;
    if (rep.min === 0 && rep.max === -1 && this.cp[rep.start] === 0x2a) node = { op: 'star', sub: target };
    else if (rep.min === 1 && rep.max === -1 && this.cp[rep.start] === 0x2b) node = { op: 'plus', sub: target };
    else if (rep.min === 0 && rep.max === 1 && this.cp[rep.start] === 0x3f) node = { op: 'quest', sub: target };
    else {
      node = { op: 'repeat', sub: target, min: rep.min, max: rep.max };
      if ((rep.min >= 2 || rep.max >= 2) && !repeatIsValid(node, MAX_REPEAT)) {
        throw new RegexpSyntaxError(ERR.invalidRepeatSize, this.text(rep.start, end));
      }
    }
    items.push(node);
  }

  /** Parses `{n}`, `{n,}` or `{n,m}` at `start`; undefined when `{` is a literal. */
  private parseRepeatSpec(start: number): { min: number; max: number; end: number } | undefined {
    let i = start + 1;
    const readInt = (): number | undefined => {
      if (!isDigit(this.cp[i])) return undefined;
      if (this.cp[i] === 0x30 && isDigit(this.cp[i + 1])) return undefined; // leading zero
      const from = i;
      while (isDigit(this.cp[i])) i++;
      if (i - from >= 8) return -1; // too big: reported as an invalid count
      return Number(this.text(from, i));
    };
    const min = readInt();
    if (min === undefined) return undefined;
    let max = min;
    if (this.cp[i] === 0x2c /* , */) {
      i++;
      if (this.cp[i] === 0x7d) max = -1;
      else {
        const m = readInt();
        if (m === undefined) return undefined;
        max = m;
      }
    }
    if (this.cp[i] !== 0x7d) return undefined;
    return { min, max, end: i + 1 };
  }

  private parseAtom(flags: Flags): ReNode | ReNode[] | undefined {
    const c = this.cp[this.pos];
    switch (c) {
      case 0x28: return this.parseGroup(flags);
      case 0x5b: return this.parseClass(flags);
      case 0x2e:
        this.pos++;
        return flags.s ? { op: 'anyChar' } : { op: 'anyCharNotNL' };
      case 0x5e:
        this.pos++;
        return flags.m ? { op: 'beginLine' } : { op: 'beginText' };
      case 0x24:
        this.pos++;
        return flags.m ? { op: 'endLine' } : { op: 'endText' };
      case 0x5c: return this.parseBackslash(flags);
      default:
        this.pos++;
        return { op: 'literal', runes: [c], fold: flags.i };
    }
  }

  private parseGroup(flags: Flags): ReNode | undefined {
    const start = this.pos;
    if (this.peek(1) !== 0x3f /* ? */) {
      this.pos++;
      return { op: 'capture', sub: this.parseGroupBody(flags), name: '' };
    }
    const startsWithP = this.peek(2) === 0x50 && this.peek(3) === 0x3c; // (?P<
    const startsWithName = this.peek(2) === 0x3c; // (?<
    if (startsWithP || startsWithName) {
      const nameStart = start + (startsWithP ? 4 : 3);
      let end = nameStart;
      while (end < this.cp.length && this.cp[end] !== 0x3e /* > */) end++;
      if (end >= this.cp.length) throw new RegexpSyntaxError(ERR.invalidNamedCapture, this.text(start));
      const name = this.text(nameStart, end);
      if (!/^[A-Za-z0-9_]+$/.test(name)) {
        throw new RegexpSyntaxError(ERR.invalidNamedCapture, this.text(start, end + 1));
      }
      this.pos = end + 1;
      return { op: 'capture', sub: this.parseGroupBody(flags), name };
    }
    // Flags: (?i) (?-s) (?im:...)
    const next = { ...flags };
    let sign = 1;
    let sawFlag = false;
    let i = start + 2;
    for (; i < this.cp.length; i++) {
      const c = this.cp[i];
      const on = sign > 0;
      if (c === 0x69) next.i = on;
      else if (c === 0x6d) next.m = on;
      else if (c === 0x73) next.s = on;
      else if (c === 0x55) next.U = on;
      else if (c === 0x2d /* - */) {
        if (sign < 0) break;
        sign = -1;
        sawFlag = false;
        continue;
      } else if (c === 0x3a || c === 0x29 /* : ) */) {
        if (sign < 0 && !sawFlag) break;
        this.pos = i + 1;
        if (c === 0x29) {
          Object.assign(flags, next);
          return undefined;
        }
        return this.parseGroupBody(next, true);
      } else break;
      sawFlag = true;
    }
    throw new RegexpSyntaxError(ERR.invalidPerlOp, this.text(start, Math.min(i + 1, this.cp.length)));
  }

  /** Parses up to the closing paren; `pos` is just after the opening syntax. */
  private parseGroupBody(flags: Flags, alreadyCopied = false): ReNode {
    if (++this.depth > MAX_DEPTH) throw new RegexpSyntaxError(ERR.nestingDepth, this.src);
    const inner = this.parseAlternate(alreadyCopied ? flags : { ...flags });
    if (this.peek() !== 0x29) throw new RegexpSyntaxError(ERR.missingParen, this.src);
    this.pos++;
    this.depth--;
    return inner;
  }

  private parseBackslash(flags: Flags): ReNode | ReNode[] {
    const start = this.pos;
    const c = this.cp[start + 1];
    if (c === undefined) throw new RegexpSyntaxError(ERR.trailingBackslash, '');
    switch (c) {
      case 0x41: this.pos += 2; return { op: 'beginText' }; // \A
      case 0x7a: this.pos += 2; return { op: 'endText' }; // \z
      case 0x62: this.pos += 2; return { op: 'wordBoundary' }; // \b
      case 0x42: this.pos += 2; return { op: 'noWordBoundary' }; // \B
      case 0x51: { // \Q...\E
        let end = start + 2;
        while (end < this.cp.length && !(this.cp[end] === 0x5c && this.cp[end + 1] === 0x45)) end++;
        const runes = this.cp.slice(start + 2, end);
        this.pos = end < this.cp.length ? end + 2 : end;
        return runes.map((r): ReNode => ({ op: 'literal', runes: [r], fold: flags.i }));
      }
      default: break;
    }
    const group = this.tryClassEscape(flags);
    if (group) return { op: 'charClass', ranges: group };
    const r = this.parseEscape();
    return { op: 'literal', runes: [r], fold: flags.i };
  }

  /** \d \s \w (and negations) or \p{..}/\P{..} at pos, as ranges (folded when (?i)); undefined otherwise. */
  private tryClassEscape(flags: Flags): number[] | undefined {
    const c = this.cp[this.pos + 1];
    const lower = c === undefined || c >= 0x80 ? '' : String.fromCodePoint(c).toLowerCase();
    if (c !== undefined && (lower === 'd' || lower === 's' || lower === 'w')) {
      this.pos += 2;
      return groupRanges(PERL_CLASSES[lower], c !== lower.codePointAt(0), flags.i);
    }
    if (c === 0x70 || c === 0x50) return this.parseUnicodeClass(flags);
    return undefined;
  }

  private parseUnicodeClass(flags: Flags): number[] {
    const start = this.pos;
    let negated = this.cp[start + 1] === 0x50;
    let name: string;
    let end: number;
    if (this.cp[start + 2] === 0x7b /* { */) {
      let close = start + 3;
      while (close < this.cp.length && this.cp[close] !== 0x7d) close++;
      if (close >= this.cp.length) throw new RegexpSyntaxError(ERR.invalidCharRange, this.text(start));
      name = this.text(start + 3, close);
      end = close + 1;
    } else {
      if (start + 2 >= this.cp.length) throw new RegexpSyntaxError(ERR.invalidCharRange, this.text(start));
      name = this.text(start + 2, start + 3);
      end = start + 3;
    }
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    const ranges = unicodeClass(name);
    if (!ranges) throw new RegexpSyntaxError(ERR.invalidCharRange, this.text(start, end));
    this.pos = end;
    return groupRanges(ranges, negated, flags.i);
  }

  /** A single escaped rune at pos (Go's parseEscape). */
  private parseEscape(): number {
    const start = this.pos;
    const fail = (end: number): never => {
      throw new RegexpSyntaxError(ERR.invalidEscape, this.text(start, end));
    };
    const c = this.cp[start + 1];
    if (c === undefined) throw new RegexpSyntaxError(ERR.trailingBackslash, '');
    let i = start + 2;
    if (c < 0x80 && !isAlnum(c)) {
      this.pos = i;
      return c;
    }
    const isOctal = (x: number | undefined): boolean => x !== undefined && x >= 0x30 && x <= 0x37;
    if ((c >= 0x31 && c <= 0x37 && isOctal(this.cp[i])) || c === 0x30) {
      let r = c - 0x30;
      for (let n = 1; n < 3 && isOctal(this.cp[i]); n++, i++) r = r * 8 + (this.cp[i] - 0x30);
      this.pos = i;
      return r;
    }
    if (c === 0x78 /* x */) {
      if (this.cp[i] === 0x7b) {
        i++;
        let r = 0;
        let digits = 0;
        for (;;) {
          const d = this.cp[i];
          if (d === undefined) return fail(i);
          i++;
          if (d === 0x7d) break;
          const v = hexVal(d);
          if (v < 0) return fail(i);
          r = r * 16 + v;
          if (r > 0x10ffff) return fail(i);
          digits++;
        }
        if (digits === 0) return fail(i);
        this.pos = i;
        return r;
      }
      const x = hexVal(this.cp[i]);
      const y = hexVal(this.cp[i + 1]);
      if (x < 0 || y < 0) return fail(Math.min(i + 2, this.cp.length));
      this.pos = i + 2;
      return x * 16 + y;
    }
    const simple: Record<number, number> = { 0x61: 7, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9, 0x76: 11 };
    if (simple[c] !== undefined) {
      this.pos = i;
      return simple[c];
    }
    return fail(i);
  }

  private parseClass(flags: Flags): ReNode {
    const start = this.pos;
    this.pos++;
    let negated = false;
    if (this.peek() === 0x5e) {
      negated = true;
      this.pos++;
    }
    const missing = (): never => {
      throw new RegexpSyntaxError(ERR.missingBracket, this.text(start));
    };
    let acc: number[] = [];
    let first = true;
    while (first || this.peek() !== 0x5d /* ] */) {
      if (this.pos >= this.cp.length) missing();
      first = false;
      if (this.peek() === 0x5b && this.peek(1) === 0x3a) {
        const named = this.tryPosixClass(flags);
        if (named) {
          acc = acc.concat(named);
          continue;
        }
      }
      if (this.peek() === 0x5c) {
        const group = this.tryClassEscape(flags);
        if (group) {
          acc = acc.concat(group);
          continue;
        }
      }
      const rangeStart = this.pos;
      const lo = this.parseClassChar(missing);
      let hi = lo;
      if (this.peek() === 0x2d && this.peek(1) !== undefined && this.peek(1) !== 0x5d) {
        this.pos++;
        hi = this.parseClassChar(missing);
        if (hi < lo) throw new RegexpSyntaxError(ERR.invalidCharRange, this.text(rangeStart, this.pos));
      }
      const range = [lo, hi];
      acc = acc.concat(flags.i ? foldRanges(range) : range);
    }
    this.pos++; // ]
    const ranges = normalizeRanges(acc);
    return { op: 'charClass', ranges: negated ? negateRanges(ranges) : ranges };
  }

  private parseClassChar(missing: () => never): number {
    const c = this.peek();
    if (c === undefined) return missing();
    if (c === 0x5c) return this.parseEscape();
    this.pos++;
    return c;
  }

  private tryPosixClass(flags: Flags): number[] | undefined {
    const start = this.pos;
    let close = -1;
    for (let i = start + 2; i + 1 < this.cp.length; i++) {
      if (this.cp[i] === 0x3a && this.cp[i + 1] === 0x5d) {
        close = i;
        break;
      }
    }
    if (close < 0) return undefined;
    const full = this.text(start, close + 2);
    let name = this.text(start + 2, close);
    let negated = false;
    if (name.startsWith('^')) {
      negated = true;
      name = name.slice(1);
    }
    const base = Object.hasOwn(POSIX_CLASSES, name) ? POSIX_CLASSES[name] : undefined;
    if (!base) throw new RegexpSyntaxError(ERR.invalidCharRange, full);
    this.pos = close + 2;
    return groupRanges(base, negated, flags.i);
  }
}

/** A named group's ranges: folded first (under (?i)), then negated, as Go's appendGroup does. */
function groupRanges(base: number[], negated: boolean, fold: boolean): number[] {
  const r = fold ? foldRanges(normalizeRanges(base)) : normalizeRanges(base);
  return negated ? negateRanges(r) : r;
}

/** Go's repeatIsValid: nested repetition counts may not multiply past `n`. */
function repeatIsValid(node: ReNode, n: number): boolean {
  if (node.op === 'repeat') {
    let m = node.max;
    if (m === 0) return true;
    if (m < 0) m = node.min;
    if (m > n) return false;
    if (m > 0) n = Math.floor(n / m);
  }
  switch (node.op) {
    case 'repeat': case 'star': case 'plus': case 'quest': case 'capture':
      return repeatIsValid(node.sub, n);
    case 'concat': case 'alternate':
      return node.subs.every((s) => repeatIsValid(s, n));
    default:
      return true;
  }
}

function mergeLiterals(items: ReNode[]): ReNode[] {
  const out: ReNode[] = [];
  for (const item of items) {
    const prev = out[out.length - 1];
    if (item.op === 'literal' && prev?.op === 'literal' && prev.fold === item.fold) {
      out[out.length - 1] = { op: 'literal', runes: [...prev.runes, ...item.runes], fold: item.fold };
    } else out.push(item);
  }
  return out;
}
