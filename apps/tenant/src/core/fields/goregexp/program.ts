/** Go regexps compiled to a Thompson NFA program (shared by the NFA and lazy DFA matchers). */
import { ERR, RegexpSyntaxError, type ReNode } from './ast.js';
import { foldOrbit, normalizeRanges } from './charclass.js';

/** A zero-width assertion. */
export type Assertion = 'beginLine' | 'endLine' | 'beginText' | 'endText' | 'wordBoundary' | 'noWordBoundary';

/** One NFA instruction; consuming ones are 'ranges' and 'any'. */
export type Inst =
  | { op: 'ranges'; ranges: number[]; next: number }
  | { op: 'any'; notNL: boolean; next: number }
  | { op: 'split'; x: number; y: number }
  | { op: 'assert'; kind: Assertion; next: number }
  | { op: 'match' };

/** A compiled program: instructions and the entry pc. */
export interface Program {
  insts: Inst[];
  start: number;
}

// Keeps pathological patterns (huge nested repeats) from exhausting memory.
const MAX_INSTS = 200_000;

/** Compiles a parsed regexp; throws RegexpSyntaxError("expression too large") past the size limit. */
export function compileProgram(node: ReNode, pattern: string): Program {
  const insts: Inst[] = [{ op: 'match' }];
  const emit = (inst: Inst): number => {
    if (insts.length >= MAX_INSTS) throw new RegexpSyntaxError(ERR.large, pattern);
    insts.push(inst);
    return insts.length - 1;
  };
  const start = compileNode(node, 0, emit, insts);
  return { insts, start };
}

/** ASCII word character, as \\b uses it. */
export const isWordChar = (c: number | undefined): boolean =>
  c !== undefined &&
  ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f);

/** Whether an assertion holds at `pos` of the input code points. */
export function assertionHolds(kind: Assertion, cps: number[], pos: number): boolean {
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
