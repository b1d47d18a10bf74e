/**
 * PocketBase v0.39's filter and sort language as a standalone library: parse filter text,
 * compile it to parameterised SQL through a caller-supplied field resolver, and build ORDER BY terms.
 */
import { buildAst, type BuildOptions } from './build.js';
import { FilterError } from './errors.js';
import { parseAst, type FilterAst, type Operand, type ParseOptions } from './parser.js';
import type { FieldResolver } from './resolver.js';
import type { SqlFragment } from './sql.js';

export { FilterError } from './errors.js';
export { DEFAULT_MAX_EXPRESSIONS, type BuildOptions } from './build.js';
export { tokenize, type JoinOp, type SignOp, type Token, type TokenKind } from './lexer.js';
export { MACRO_NAMES, formatDateTime } from './macros.js';
export {
  DEFAULT_MAX_DEPTH,
  type Comparison,
  type FilterAst,
  type FilterItem,
  type Group,
  type Operand,
  type ParseOptions,
} from './parser.js';
export type { FieldResolver, ResolvedOperand } from './resolver.js';
export { buildSort, parseSort, DEFAULT_MAX_SORT_ITEMS, MAX_SORT_FIELD_LENGTH, type SortItem, type SortOptions } from './sort.js';
export type { SqlFragment, SqlValue } from './sql.js';

/** PocketBase's limit of a filter's length in UTF-8 bytes (records list API). */
export const DEFAULT_MAX_FILTER_LENGTH = 3500;

/** Options of parsing filter text. */
export interface ParseFilterOptions extends ParseOptions {
  /** Longest filter accepted, in UTF-8 bytes (default 3500; pass Infinity for collection rules). */
  maxLength?: number;
}

/** Options of compiling a filter. */
export interface BuildFilterOptions extends BuildOptions, ParseFilterOptions {}

/** Parses filter text into its AST; throws FilterError (syntax, empty filter, length or depth limit). */
export function parseFilter(text: string, opts: ParseFilterOptions = {}): FilterAst {
  if (Buffer.byteLength(text, 'utf8') > (opts.maxLength ?? DEFAULT_MAX_FILTER_LENGTH)) {
    throw new FilterError('max filter length limit reached');
  }
  // fexpr reads a NUL as end of input mid-token, which can silently drop the rest of a rule; refuse it.
  if (text.includes('\0')) throw new FilterError("unexpected character '\\x00'");
  return parseAst(toWellFormed(text), opts);
}

/** Replaces lone UTF-16 surrogates with U+FFFD, as Go sees invalid UTF-8 in PocketBase. */
function toWellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** Compiles filter text (or a parsed AST) to a `{sql, params}` WHERE expression with `?` placeholders. */
export function buildFilter(input: string | FilterAst, resolver: FieldResolver, opts: BuildFilterOptions = {}): SqlFragment {
  const ast = typeof input === 'string' ? parseFilter(input, opts) : input;
  return buildAst(ast, resolver, opts);
}

/** Every identifier token of a filter (fields, `@request.*`, `@collection.*`, macros, function arguments), deduplicated in order. */
export function listIdentifiers(ast: FilterAst): string[] {
  const found = new Set<string>();
  const visitOperand = (o: Operand): void => {
    if (o.kind === 'identifier') found.add(o.name);
    else if (o.kind === 'function') o.args.forEach(visitOperand);
  };
  const visitGroup = (g: FilterAst): void => {
    for (const item of g.items) {
      if (item.node.kind === 'group') visitGroup(item.node);
      else {
        visitOperand(item.node.left);
        visitOperand(item.node.right);
      }
    }
  };
  visitGroup(ast);
  return [...found];
}
