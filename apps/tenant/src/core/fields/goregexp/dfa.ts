/**
 * A lazily built DFA over the NFA program (as RE2 does): each state is the set of NFA
 * threads at a position plus what is known about the previous character; states and
 * transitions are cached across calls, so repeated checks run at one table lookup per
 * character. Assertions that need the next character stay pending in the state until
 * that character is seen.
 */
import { rangesContain } from './charclass.js';
import { isWordChar, type Program } from './program.js';

/** What the previous character was: start of text, newline, word character, other. */
type Prev = 0 | 1 | 2 | 3;
/** What the next character is: end of text, or a code point. */
type Next = { end: true } | { end: false; c: number };

interface DState {
  /** NFA pcs: consuming instructions plus assertions still waiting for the next character. */
  pcs: number[];
  prev: Prev;
  ascii: Array<DState | typeof MATCH | undefined>;
  other: Map<number, DState | typeof MATCH>;
}

const MATCH = Symbol('match');
// Past this many cached states or transitions the cache is flushed (bounded memory on adversarial input).
const MAX_STATES = 5000;
const MAX_TRANSITIONS = 200_000;

const prevOf = (c: number): Prev => (c === 0x0a ? 1 : isWordChar(c) ? 2 : 3);

/** A DFA cache for one program. */
export class LazyDfa {
  private states = new Map<string, DState>();
  private transitions = 0;
  private initial: DState | typeof MATCH | undefined;

  constructor(private readonly prog: Program) {}

  /** True when the program matches some substring of `input`. */
  match(input: string): boolean {
    this.initial ??= this.stateFor([this.prog.start], 0);
    let s = this.initial;
    for (let i = 0; i < input.length; i++) {
      if (s === MATCH) return true;
      let c = input.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < input.length) {
        const lo = input.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          c = ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
          i++;
        }
      }
      let t = c < 128 ? s.ascii[c] : s.other.get(c);
      if (t === undefined) {
        t = this.step(s, c);
        if (this.states.size > MAX_STATES || ++this.transitions > MAX_TRANSITIONS) this.flush();
        else if (c < 128) s.ascii[c] = t;
        else s.other.set(c, t);
      }
      s = t;
    }
    return s === MATCH || this.resolve(s, { end: true }).matched;
  }

  private flush(): void {
    this.states = new Map();
    this.transitions = 0;
    this.initial = undefined;
  }

  /** Expands pending assertions of `s` now that the next character is known. */
  private resolve(s: DState, next: Next): { consuming: number[]; matched: boolean } {
    const { insts } = this.prog;
    const seen = new Set<number>();
    const consuming: number[] = [];
    const stack = [...s.pcs];
    while (stack.length > 0) {
      const pc = stack.pop() as number;
      if (seen.has(pc)) continue;
      seen.add(pc);
      const inst = insts[pc];
      switch (inst.op) {
        case 'match': return { consuming, matched: true };
        case 'split': stack.push(inst.y, inst.x); break;
        case 'assert': if (holds(inst.kind, s.prev, next)) stack.push(inst.next); break;
        default: consuming.push(pc);
      }
    }
    return { consuming, matched: false };
  }

  private step(s: DState, c: number): DState | typeof MATCH {
    const { insts } = this.prog;
    const { consuming, matched } = this.resolve(s, { end: false, c });
    if (matched) return MATCH;
    const seeds: number[] = [];
    for (const pc of consuming) {
      const inst = insts[pc];
      if (inst.op === 'ranges' ? rangesContain(inst.ranges, c) : inst.op === 'any' && (!inst.notNL || c !== 0x0a)) {
        seeds.push((inst as { next: number }).next);
      }
    }
    // Unanchored search: a new thread starts after every character.
    seeds.push(this.prog.start);
    return this.stateFor(seeds, prevOf(c));
  }

  /** The cached state for the closure of `seeds`, resolving what the previous character decides. */
  private stateFor(seeds: number[], prev: Prev): DState | typeof MATCH {
    const { insts } = this.prog;
    const seen = new Set<number>();
    const pcs: number[] = [];
    const stack = [...seeds].reverse();
    while (stack.length > 0) {
      const pc = stack.pop() as number;
      if (seen.has(pc)) continue;
      seen.add(pc);
      const inst = insts[pc];
      if (inst.op === 'match') return MATCH;
      if (inst.op === 'split') stack.push(inst.y, inst.x);
      else if (inst.op === 'assert' && inst.kind === 'beginText') {
        if (prev === 0) stack.push(inst.next);
      } else if (inst.op === 'assert' && inst.kind === 'beginLine') {
        if (prev === 0 || prev === 1) stack.push(inst.next);
      } else pcs.push(pc);
    }
    pcs.sort((a, b) => a - b);
    const key = `${prev}:${pcs.join(',')}`;
    let state = this.states.get(key);
    if (!state) {
      state = { pcs, prev, ascii: new Array(128), other: new Map() };
      this.states.set(key, state);
    }
    return state;
  }
}

function holds(kind: string, prev: Prev, next: Next): boolean {
  const nextWord = !next.end && isWordChar(next.c);
  switch (kind) {
    case 'beginText': return prev === 0;
    case 'beginLine': return prev === 0 || prev === 1;
    case 'endText': return next.end;
    case 'endLine': return next.end || next.c === 0x0a;
    case 'wordBoundary': return (prev === 2) !== nextWord;
    case 'noWordBoundary': return (prev === 2) === nextWord;
    default: return false;
  }
}
