/** Compiles a filter AST to a parameterised SQL WHERE expression. */
import { compare, type AliasSource, type SqlOperand } from './compare.js';
import { FilterError } from './errors.js';
import { FUNCTIONS } from './functions.js';
import { isMacro, macroValue } from './macros.js';
import { DEFAULT_MAX_DEPTH, type Comparison, type FilterAst, type Group, type Operand } from './parser.js';
import { quoteString } from './quote.js';
import type { FieldResolver, ResolvedOperand } from './resolver.js';
import { join, param, raw, sql, type SqlFragment } from './sql.js';

/** Options of compiling an AST. */
export interface BuildOptions {
  /** Clock of the datetime macros, read once per build (default: the system clock). */
  now?: () => Date;
  /** Most comparisons one filter may hold, nested ones included (default 200, PocketBase's). */
  maxExpressions?: number;
  /** Maximum nesting of groups (default 100). */
  maxDepth?: number;
  /** Inserted into generated subquery aliases (letters, digits, `_`), to keep them apart across filters. */
  aliasPrefix?: string;
}

/** PocketBase's default limit of comparisons per filter. */
export const DEFAULT_MAX_EXPRESSIONS = 200;

/** Identifiers that, when the resolver does not know them, are the SQL constants NULL, 1 and 0. */
const CONSTANTS: Readonly<Record<string, string>> = { null: 'NULL', true: '1', false: '0' };

class BuildContext {
  private budget: number;
  private instant: Date | undefined;
  private aliasCount = 0;
  readonly maxDepth: number;
  readonly alias: AliasSource;

  constructor(
    readonly resolver: FieldResolver,
    private readonly opts: BuildOptions,
  ) {
    this.budget = opts.maxExpressions ?? DEFAULT_MAX_EXPRESSIONS;
    this.maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
    const prefix = opts.aliasPrefix ?? '';
    if (!/^\w*$/.test(prefix)) throw new TypeError('aliasPrefix may only hold letters, digits and _');
    this.alias = (kind) => `${kind}${prefix}${++this.aliasCount}`;
  }

  /** Counts one comparison against the limit. */
  spendExpression(): void {
    if (this.budget <= 0) throw new FilterError('max filter expressions limit reached');
    this.budget--;
  }

  now(): Date {
    this.instant ??= (this.opts.now ?? (() => new Date()))();
    return this.instant;
  }
}

/** Compiles an AST against a resolver; throws FilterError for anything the caller's user got wrong. */
export function buildAst(ast: FilterAst, resolver: FieldResolver, opts: BuildOptions = {}): SqlFragment {
  return buildGroup(ast, new BuildContext(resolver, opts), 1);
}

/** Items joined by AND/OR in order (SQL precedence applies), parenthesised unless a lone plain expression. */
function buildGroup(group: Group, ctx: BuildContext, depth: number): SqlFragment {
  if (group.items.length === 0) throw new FilterError('empty filter expression');
  if (depth > ctx.maxDepth) throw new FilterError(`max nested groups depth reached (max: ${ctx.maxDepth})`);

  const parts: SqlFragment[] = [];
  group.items.forEach((item, i) => {
    const built = item.node.kind === 'group' ? buildGroup(item.node, ctx, depth + 1) : buildComparison(item.node, ctx);
    if (i > 0) parts.push(raw(item.join === '||' ? 'OR' : 'AND'));
    parts.push(built);
  });

  if (parts.length === 1 && !/ (AND|OR) /i.test(parts[0].sql)) return parts[0];
  return sql`(${join(parts, ' ')})`;
}

function buildComparison(c: Comparison, ctx: BuildContext): SqlFragment {
  ctx.spendExpression();
  const left = resolveSide(c.left, 'left', ctx);
  const right = resolveSide(c.right, 'right', ctx);
  return compare(left, c.op, right, ctx.alias);
}

function resolveSide(operand: Operand, side: 'left' | 'right', ctx: BuildContext): SqlOperand {
  try {
    return resolveOperand(operand, ctx);
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    throw new FilterError(`invalid ${side} operand ${quoteString(operandLiteral(operand))} - ${e.message}`);
  }
}

function operandLiteral(operand: Operand): string {
  switch (operand.kind) {
    case 'identifier':
    case 'function':
      return operand.name;
    case 'text':
      return operand.value;
    case 'number':
      return operand.raw;
  }
}

function resolveOperand(operand: Operand, ctx: BuildContext): SqlOperand {
  switch (operand.kind) {
    case 'text':
      return { ...param(operand.value), nullFallback: 'auto' };
    case 'number':
      return { ...param(operand.value), nullFallback: 'auto' };
    case 'identifier':
      return resolveIdentifier(operand.name, ctx);
    case 'function': {
      const fn = Object.hasOwn(FUNCTIONS, operand.name) ? FUNCTIONS[operand.name] : undefined;
      if (fn === undefined) throw new FilterError(`unknown function ${quoteString(operand.name)}`);
      return fn(operand.args, (arg) => resolveOperand(arg, ctx), ctx.alias);
    }
  }
}

function resolveIdentifier(name: string, ctx: BuildContext): SqlOperand {
  if (isMacro(name)) return { ...param(macroValue(name, ctx.now())), nullFallback: 'auto' };

  let resolved: ResolvedOperand | undefined;
  let failure: FilterError | undefined;
  try {
    resolved = ctx.resolver.resolve(name);
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    failure = e;
  }
  if (resolved !== undefined && resolved.sql !== '') return fromResolved(resolved);

  // As in PocketBase, null/true/false are constants only when no field claims the name.
  const lower = name.toLowerCase();
  if (Object.hasOwn(CONSTANTS, lower)) return { ...raw(CONSTANTS[lower]), nullFallback: 'auto' };
  throw failure ?? new FilterError(`failed to resolve field ${quoteString(name)}`);
}

function fromResolved(r: ResolvedOperand): SqlOperand {
  return {
    sql: r.sql,
    params: [...r.params],
    nullFallback: r.noCoalesce ? 'disabled' : 'auto',
    multiMatch: r.multiMatch ? { sql: r.multiMatch.sql, params: [...r.multiMatch.params] } : undefined,
    afterBuild: r.afterBuild,
  };
}
