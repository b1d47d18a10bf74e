/**
 * A linear-time matcher for parsed Go regexps (Thompson NFA simulation), so that
 * user-supplied patterns behave as in PocketBase (RE2: no backtracking blow-ups).
 */
import { ERR, RegexpSyntaxError, type ReNode } from './ast.js';
import { foldOrbit, normalizeRanges, rangesContain } from './charclass.js';
import { parseGoRegexp } from './parse.js';

type Assertion = 'beginLine' | 'endLine' | 'beginText' | 'endText' | 'wordBoundary' | 'noWordBoundary';

type Inst =
  | { op: 'ranges'; ranges: number[]; next: number }
  | { op: 'any'; notNL: boolean; next: number }
  | { op: 'split'; x: number; y: number }
  | { op: 'assert'; kind: Assertion; next: number }
  | { op: 'match' };

// Keeps pathological patterns (huge nested repeats) from exhausting memory.
const MAX_INSTS = 200_000;

/** A compiled Go regexp that answers "does it match anywhere in the input?" (regexp.MatchString). */
export class GoRegexp {
  private constructor(private readonly insts: Inst[], private readonly start: number) {}

  /** Parses and compiles `pattern`; throws RegexpSyntaxError with Go's message when invalid. */
  static compile(pattern: string): GoRegexp {
    return GoRegexp.fromNode(parseGoRegexp(pattern), pattern);
  }

  /** Compiles an already parsed tree. */
  static fromNode(node: ReNode, pattern = ''): GoRegexp {
    const insts: Inst[] = [{ op: 'match' }];
    const emit = (inst: Inst): number => {
      if (insts.length >= MAX_INSTS) throw new RegexpSyntaxError(ERR.large, pattern);
      insts.push(inst);
      return insts.length - 1;
    };
    const start = compileNode(node, 0, emit, insts);
    return new GoRegexp(insts, start);
  }

  /** True when the regexp matches some substring of `input`. */
  test(input: string): boolean {
    const cps = Array.from(input, (ch) => ch.codePointAt(0) as number);
    const n = cps.length;
    const size = this.insts.length;
    let clist = new Int32Array(size);
    let nlist = new Int32Array(size);
    let ccount = 0;
    let ncount = 0;
    const marks = new Int32Array(size).fill(-1);
    let gen = 0;
    const stack: number[] = [];

    // Adds pc and its epsilon closure at position `pos`; returns true when a match state is reached.
    const add = (list: Int32Array, count: number, pc: number, pos: number): [number, boolean] => {
      stack.push(pc);
      while (stack.length > 0) {
        const p = stack.pop() as number;
        if (marks[p] === gen) continue;
        marks[p] = gen;
        const inst = this.insts[p];
        switch (inst.op) {
          case 'match':
            stack.length = 0;
            return [count, true];
          case 'split':
            stack.push(inst.y, inst.x);
            break;
          case 'assert':
            if (assertionHolds(inst.kind, cps, pos)) stack.push(inst.next);
            break;
          default:
            list[count++] = p;
        }
      }
      return [count, false];
    };

    for (let pos = 0; ; pos++) {
      // gen identifies the state list being built for this position.
      let found: boolean;
      [ccount, found] = add(clist, ccount, this.start, pos);
      if (found) return true;
      if (pos >= n) return false;
      const c = cps[pos];
      gen++;
      ncount = 0;
      for (let k = 0; k < ccount; k++) {
        const inst = this.insts[clist[k]];
        let ok = false;
        if (inst.op === 'ranges') ok = rangesContain(inst.ranges, c);
        else if (inst.op === 'any') ok = !inst.notNL || c !== 0x0a;
        if (ok && (inst.op === 'ranges' || inst.op === 'any')) {
          [ncount, found] = add(nlist, ncount, inst.next, pos + 1);
          if (found) return true;
        }
      }
      [clist, nlist] = [nlist, clist];
      ccount = ncount;
    }
  }
}

const isWordChar = (c: number | undefined): boolean =>
  c !== undefined &&
  ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f);

function assertionHolds(kind: Assertion, cps: number[], pos: number): boolean {
  switch (kind) {
    case 'beginText': return pos === 0;
    case 'endText': return pos === cps.length;
    case 'beginLine': return pos === 0 || cps[pos - 1] === 0x0a;
    case 'endLine': return pos === cps.length || cps[pos] === 0x0a;
    case 'wordBoundary': return isWordChar(cps[pos - 1]) !== isWordChar(cps[pos]);
    case 'noWordBoundary': return isWordChar(cps[pos - 1]) === isWordChar(cps[pos]);
  }
}

function literalRanges(r: number, fold: boolean): number[] {
  if (!fold) return [r, r];
  const orbit = foldOrbit(r);
  return orbit ? normalizeRanges(orbit.flatMap((o) => [o, o])) : [r, r];
}

/** Emits instructions for `node` continuing at `next`; returns the entry pc. */
function compileNode(node: ReNode, next: number, emit: (i: Inst) => number, insts: Inst[]): number {
  const rec = (n: ReNode, nx: number): number => compileNode(n, nx, emit, insts);
  switch (node.op) {
    case 'emptyMatch':
      return next;
    case 'literal': {
      let pc = next;
      for (let k = node.runes.length - 1; k >= 0; k--) {
        pc = emit({ op: 'ranges', ranges: literalRanges(node.runes[k], node.fold), next: pc });
      }
      return pc;
    }
    case 'charClass':
      return emit({ op: 'ranges', ranges: node.ranges, next });
    case 'anyChar':
    case 'anyCharNotNL':
      return emit({ op: 'any', notNL: node.op === 'anyCharNotNL', next });
    case 'beginLine': case 'endLine': case 'beginText': case 'endText':
    case 'wordBoundary': case 'noWordBoundary':
      return emit({ op: 'assert', kind: node.op, next });
    case 'capture':
      return rec(node.sub, next);
    case 'concat': {
      let pc = next;
      for (let k = node.subs.length - 1; k >= 0; k--) pc = rec(node.subs[k], pc);
      return pc;
    }
    case 'alternate': {
      let pc = rec(node.subs[node.subs.length - 1], next);
      for (let k = node.subs.length - 2; k >= 0; k--) {
        pc = emit({ op: 'split', x: rec(node.subs[k], next), y: pc });
      }
      return pc;
    }
    case 'star': {
      const loop = emit({ op: 'split', x: -1, y: next });
      (insts[loop] as { x: number }).x = rec(node.sub, loop);
      return loop;
    }
    case 'plus': {
      const loop = emit({ op: 'split', x: -1, y: next });
      const body = rec(node.sub, loop);
      (insts[loop] as { x: number }).x = body;
      return body;
    }
    case 'quest':
      return emit({ op: 'split', x: rec(node.sub, next), y: next });
    case 'repeat': {
      let pc = next;
      if (node.max < 0) {
        pc = compileNode({ op: 'star', sub: node.sub }, next, emit, insts);
      } else {
        for (let k = 0; k < node.max - node.min; k++) {
          pc = emit({ op: 'split', x: rec(node.sub, pc), y: next });
        }
      }
      for (let k = 0; k < node.min; k++) pc = rec(node.sub, pc);
      return pc;
    }
  }
}
