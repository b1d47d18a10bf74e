/** Thompson NFA simulation: linear time, used when the lazy DFA gives up. */
import { rangesContain } from './charclass.js';
import { assertionHolds, type Program } from './program.js';

/** True when the program matches some substring of the code points. */
export function nfaMatch(prog: Program, cps: number[]): boolean {
  const { insts, start } = prog;
  const n = cps.length;
  const size = insts.length;
  let clist = new Int32Array(size);
  let nlist = new Int32Array(size);
  let ccount = 0;
  const marks = new Int32Array(size).fill(-1);
  let gen = 0;
  const stack: number[] = [];

  // Adds pc and its epsilon closure at `pos`; returns [new count, reached a match].
  const add = (list: Int32Array, count: number, pc: number, pos: number): [number, boolean] => {
    stack.push(pc);
    while (stack.length > 0) {
      const p = stack.pop() as number;
      if (marks[p] === gen) continue;
      marks[p] = gen;
      const inst = insts[p];
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
    let found: boolean;
    // Unanchored search: a thread starts at every position.
    [ccount, found] = add(clist, ccount, start, pos);
    if (found) return true;
    if (pos >= n) return false;
    const c = cps[pos];
    gen++;
    let ncount = 0;
    for (let k = 0; k < ccount; k++) {
      const inst = insts[clist[k]];
      const ok = inst.op === 'ranges' ? rangesContain(inst.ranges, c) : inst.op === 'any' && (!inst.notNL || c !== 0x0a);
      if (ok && (inst.op === 'ranges' || inst.op === 'any')) {
        [ncount, found] = add(nlist, ncount, inst.next, pos + 1);
        if (found) return true;
      }
    }
    [clist, nlist] = [nlist, clist];
    ccount = ncount;
  }
}
