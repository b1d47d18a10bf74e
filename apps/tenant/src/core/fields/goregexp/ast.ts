/** The syntax tree of a Go (RE2) regular expression, shaped like Go's regexp/syntax. */

/** One parsed regexp node; `op` names follow Go's syntax.Op. */
export type ReNode =
  | { op: 'emptyMatch' }
  /** A literal string; `fold` = case-insensitive (each rune matches its case orbit). */
  | { op: 'literal'; runes: number[]; fold: boolean }
  /** A character class as sorted, merged [lo, hi] code point pairs (case folding already applied). */
  | { op: 'charClass'; ranges: number[] }
  | { op: 'anyCharNotNL' }
  | { op: 'anyChar' }
  | { op: 'beginLine' }
  | { op: 'endLine' }
  | { op: 'beginText' }
  | { op: 'endText' }
  | { op: 'wordBoundary' }
  | { op: 'noWordBoundary' }
  | { op: 'capture'; sub: ReNode; name: string }
  | { op: 'star'; sub: ReNode }
  | { op: 'plus'; sub: ReNode }
  | { op: 'quest'; sub: ReNode }
  /** `{min,max}`; max -1 = unbounded. */
  | { op: 'repeat'; sub: ReNode; min: number; max: number }
  | { op: 'concat'; subs: ReNode[] }
  | { op: 'alternate'; subs: ReNode[] };

/** Go's numeric syntax.Op value of a node (used in PocketBase's "unsupported pattern operator N" message). */
export const GO_OP_NUMBER: Record<ReNode['op'], number> = {
  emptyMatch: 2,
  literal: 3,
  charClass: 4,
  anyCharNotNL: 5,
  anyChar: 6,
  beginLine: 7,
  endLine: 8,
  beginText: 9,
  endText: 10,
  wordBoundary: 11,
  noWordBoundary: 12,
  capture: 13,
  star: 14,
  plus: 15,
  quest: 16,
  repeat: 17,
  concat: 18,
  alternate: 19,
};

/** A regexp syntax error, with Go's message text ("error parsing regexp: <code>: `<expr>`"). */
export class RegexpSyntaxError extends Error {
  constructor(readonly code: string, readonly expr: string) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
    this.name = 'RegexpSyntaxError';
  }
}

/** Go's regexp/syntax error codes, verbatim. */
export const ERR = {
  missingBracket: 'missing closing ]',
  missingParen: 'missing closing )',
  unexpectedParen: 'unexpected )',
  invalidCharRange: 'invalid character class range',
  invalidEscape: 'invalid escape sequence',
  invalidNamedCapture: 'invalid named capture',
  invalidPerlOp: 'invalid or unsupported Perl syntax',
  invalidRepeatOp: 'invalid nested repetition operator',
  invalidRepeatSize: 'invalid repeat count',
  missingRepeatArgument: 'missing argument to repetition operator',
  trailingBackslash: 'trailing backslash at end of expression',
  nestingDepth: 'expression nests too deeply',
  large: 'expression too large',
} as const;
