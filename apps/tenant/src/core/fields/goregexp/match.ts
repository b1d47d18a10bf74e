/**
 * Go regexps with RE2 semantics, so user-supplied patterns behave as in PocketBase and
 * run in linear time (no backtracking blow-ups). Matching uses a lazily built DFA.
 */
import type { ReNode } from './ast.js';
import { LazyDfa } from './dfa.js';
import { parseGoRegexp } from './parse.js';
import { compileProgram } from './program.js';

/** A compiled Go regexp that answers "does it match anywhere in the input?" (regexp.MatchString). */
export class GoRegexp {
  private constructor(private readonly dfa: LazyDfa) {}

  /** Parses and compiles `pattern`; throws RegexpSyntaxError with Go's message when invalid. */
  static compile(pattern: string): GoRegexp {
    return GoRegexp.fromNode(parseGoRegexp(pattern), pattern);
  }

  /** Compiles an already parsed tree. */
  static fromNode(node: ReNode, pattern = ''): GoRegexp {
    return new GoRegexp(new LazyDfa(compileProgram(node, pattern)));
  }

  /** True when the regexp matches some substring of `input`. */
  test(input: string): boolean {
    return this.dfa.match(input);
  }
}
