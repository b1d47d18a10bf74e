/**
 * Parser of PocketBase's filter language into an AST, following fexpr's state machine:
 * `operand sign operand` expressions and parenthesised groups, joined by `&&` / `||`.
 * Joins carry no precedence of their own: the builder emits them in order and SQL's precedence
 * (AND before OR) applies, exactly as PocketBase's concatenated dbx expression does.
 */
import { FilterError } from './errors.js';
import { Scanner, type JoinOp, type SignOp, type Token } from './lexer.js';
import { quoteString } from './quote.js';

/** One side of a comparison, or an argument of a function. */
export type Operand =
  | { kind: 'identifier'; name: string }
  | { kind: 'text'; value: string }
  | { kind: 'number'; value: number; raw: string }
  | { kind: 'function'; name: string; args: Operand[] };

/** `left op right`. */
export interface Comparison {
  kind: 'comparison';
  left: Operand;
  op: SignOp;
  right: Operand;
}

/** A parenthesised list of items (the whole filter is a group too). */
export interface Group {
  kind: 'group';
  items: FilterItem[];
}

/** An expression or group with the join operator that precedes it (the first item's join is unused). */
export interface FilterItem {
  join: JoinOp;
  node: Comparison | Group;
}

/** A parsed filter: its top-level group. */
export type FilterAst = Group;

/** Options of parsing. */
export interface ParseOptions {
  /** Maximum nesting of parentheses (default 100); deeper input throws FilterError. */
  maxDepth?: number;
}

/** Default maximum nesting of parentheses. */
export const DEFAULT_MAX_DEPTH = 100;

/** Parses filter text into its AST; throws FilterError with fexpr-like messages. */
export function parseAst(text: string, opts: ParseOptions = {}): FilterAst {
  return parseGroup(text, 1, opts.maxDepth ?? DEFAULT_MAX_DEPTH);
}

type Step = 'left' | 'sign' | 'right' | 'join';

function parseGroup(text: string, depth: number, maxDepth: number): Group {
  const items: FilterItem[] = [];
  const scanner = new Scanner(text);
  let step: Step = 'left';
  let join: JoinOp = '&&';
  let left: Operand | undefined;
  let op: SignOp | undefined;

  for (let t = scanner.next(); t !== null; t = scanner.next()) {
    if (t.kind === 'whitespace' || t.kind === 'comment') continue;

    if (t.kind === 'group') {
      // fexpr accepts a group in any state and silently drops a half-read `a =` before it;
      // that loses part of a rule, so a group is only accepted where an expression may start
      // (after a join, or - as fexpr does - right after another expression, reusing the last join).
      if (step === 'sign') throw unexpected('a sign operator', t);
      if (step === 'right') throw unexpected('right operand (identifier, function text or number)', t);
      if (depth >= maxDepth) throw new FilterError(`max nested groups depth reached (max: ${maxDepth})`);
      items.push({ join, node: parseGroup(t.literal, depth + 1, maxDepth) });
      step = 'join';
      continue;
    }

    switch (step) {
      case 'left':
        left = toOperand(t, 'left operand (identifier, function, text or number)');
        step = 'sign';
        break;
      case 'sign':
        if (t.kind !== 'sign') throw unexpected('a sign operator', t);
        op = t.literal as SignOp;
        step = 'right';
        break;
      case 'right': {
        const right = toOperand(t, 'right operand (identifier, function text or number)');
        if (left === undefined || op === undefined) throw new FilterError('invalid or incomplete filter expression');
        items.push({ join, node: { kind: 'comparison', left, op, right } });
        step = 'join';
        break;
      }
      case 'join':
        if (t.kind !== 'join') throw unexpected('&& or ||', t);
        join = t.literal === '||' ? '||' : '&&';
        step = 'left';
        break;
    }
  }

  if (step !== 'join') {
    if (items.length === 0 && left === undefined) throw new FilterError('empty filter expression');
    throw new FilterError('invalid or incomplete filter expression');
  }
  return { kind: 'group', items };
}

function unexpected(expected: string, t: Token): FilterError {
  return new FilterError(`expected ${expected}, got ${quoteString(t.literal)} (${t.kind})`);
}

function toOperand(t: Token, expected: string): Operand {
  if (t.kind !== 'identifier' && t.kind !== 'text' && t.kind !== 'number' && t.kind !== 'function') {
    throw unexpected(expected, t);
  }
  return tokenOperand(t);
}

function tokenOperand(t: Token): Operand {
  switch (t.kind) {
    case 'identifier':
      return { kind: 'identifier', name: t.literal };
    case 'text':
      return { kind: 'text', value: t.literal };
    case 'number':
      return { kind: 'number', value: numberValue(t.literal), raw: t.literal };
    default:
      return { kind: 'function', name: t.literal, args: (t.args ?? []).map(tokenOperand) };
  }
}

/** The number a literal binds as: a float like Go's cast.ToFloat64, whose out-of-range result is 0. */
function numberValue(raw: string): number {
  const n = Number(raw);
  return Number.isFinite(n) ? n : 0;
}
