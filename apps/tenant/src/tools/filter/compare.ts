/**
 * SQL for one comparison between two resolved operands, reproducing PocketBase's
 * buildResolversExpr: its equality rules, LIKE handling, and the NOT EXISTS multi-match
 * subqueries that give non-`?` operators their "every value must match" meaning.
 */
import type { SignOp } from './lexer.js';
import { likePattern } from './like.js';
import { raw, sql, type SqlFragment } from './sql.js';

/** How NULL/empty values are normalised when comparing for equality (PocketBase's NullFallback). */
export type NullFallback = 'auto' | 'disabled' | 'enforced';

/** An operand ready for comparison: resolved identifier, literal placeholder, macro or function. */
export interface SqlOperand extends SqlFragment {
  nullFallback: NullFallback;
  multiMatch?: SqlFragment;
  afterBuild?: (expr: SqlFragment) => SqlFragment;
}

/** Hands out subquery aliases unique within one build (prefix + counter). */
export type AliasSource = (kind: string) => string;

/** Builds `left op right`, adding the multi-match constraint for non-`?` operators. */
export function compare(left: SqlOperand, op: SignOp, right: SqlOperand, alias: AliasSource): SqlFragment {
  let expr = plainCompare(left, op, right);

  if (!op.startsWith('?')) {
    let multi: SqlFragment | undefined;
    if (left.multiMatch && right.multiMatch) {
      multi = manyVsMany(left, left.multiMatch, op, right, right.multiMatch, alias);
    } else if (left.multiMatch) {
      multi = manyVsOne(left, left.multiMatch, op, right, false, alias);
    } else if (right.multiMatch) {
      multi = manyVsOne(right, right.multiMatch, op, left, true, alias);
    }
    if (multi) expr = sql`((${expr}) AND (${multi}))`;
  }

  if (left.afterBuild) expr = left.afterBuild(expr);
  if (right.afterBuild) expr = right.afterBuild(expr);
  return expr;
}

function plainCompare(left: SqlOperand, op: SignOp, right: SqlOperand): SqlFragment {
  switch (op) {
    case '=':
    case '?=':
      return equality(true, left, right);
    case '!=':
    case '?!=':
      return equality(false, left, right);
    case '~':
    case '?~':
      return like('LIKE', left, right);
    case '!~':
    case '?!~':
      return like('NOT LIKE', left, right);
    case '<':
    case '?<':
      return sql`${left} < ${right}`;
    case '<=':
    case '?<=':
      return sql`${left} <= ${right}`;
    case '>':
    case '?>':
      return sql`${left} > ${right}`;
    case '>=':
    case '?>=':
      return sql`${left} >= ${right}`;
  }
}

/** A column-like right side is wrapped in `%` in SQL; a parameterised one gets its values wrapped. */
function like(keyword: 'LIKE' | 'NOT LIKE', left: SqlOperand, right: SqlOperand): SqlFragment {
  const kw = raw(keyword);
  if (right.params.length === 0) return sql`${left} ${kw} ('%' || ${right} || '%') ESCAPE '\\'`;
  const pattern: SqlFragment = { sql: right.sql, params: right.params.map(likePattern) };
  return sql`${left} ${kw} ${pattern} ESCAPE '\\'`;
}

const EMPTY_IDENTIFIERS: ReadonlySet<string> = new Set(['', 'null', "''", '""', '``']);
const NON_EMPTY_CONSTANTS: ReadonlySet<string> = new Set(['1', '0', 'false', 'true']);

function isEmptyIdentifier(o: SqlOperand): boolean {
  return EMPTY_IDENTIFIERS.has(o.sql.toLowerCase());
}

function hasEmptyParam(o: SqlOperand): boolean {
  return o.params.some((p) => p === null || p === '');
}

function isKnownNonEmpty(o: SqlOperand): boolean {
  if (o.nullFallback === 'enforced') return false;
  if (NON_EMPTY_CONSTANTS.has(o.sql.toLowerCase())) return true;
  return o.params.length > 0 && !hasEmptyParam(o) && !isEmptyIdentifier(o);
}

function isEmptyOperand(o: SqlOperand): boolean {
  return isEmptyIdentifier(o) || (o.nullFallback === 'auto' && o.params.length === 1 && hasEmptyParam(o));
}

/**
 * `=` / `!=` without NULL surprises: IS NOT for inequality, '' and NULL treated alike,
 * direct comparison when one side is known to be non-empty, COALESCE only as the last resort.
 */
function equality(equal: boolean, left: SqlOperand, right: SqlOperand): SqlFragment {
  const eq = raw(equal ? '=' : 'IS NOT');
  const nullEq = raw(equal ? 'IS' : 'IS NOT');
  const concat = raw(equal ? 'OR' : 'AND');
  const isNull = raw(equal ? 'IS NULL' : 'IS NOT NULL');
  const emptyText = raw("''");

  if (left.nullFallback === 'disabled' || right.nullFallback === 'disabled') {
    return sql`${left} ${nullEq} ${right}`;
  }

  const leftEmpty = isEmptyOperand(left);
  const rightEmpty = isEmptyOperand(right);

  if (leftEmpty && rightEmpty) return sql`'' ${eq} ''`;

  if (isKnownNonEmpty(left) || isKnownNonEmpty(right)) {
    return sql`${leftEmpty ? emptyText : left} ${eq} ${rightEmpty ? emptyText : right}`;
  }
  if (leftEmpty) return sql`('' ${eq} ${right} ${concat} ${right} ${isNull})`;
  if (rightEmpty) return sql`(${left} ${eq} '' ${concat} ${left} ${isNull})`;
  return sql`COALESCE(${left}, '') ${eq} COALESCE(${right}, '')`;
}

const notExpr = (expr: SqlFragment): SqlFragment => sql`NOT (${expr})`;

/** Fails when some value of the multi-valued side does not satisfy the comparison with the other side. */
function manyVsOne(
  many: SqlOperand,
  subquery: SqlFragment,
  op: SignOp,
  other: SqlOperand,
  inverse: boolean,
  alias: AliasSource,
): SqlFragment {
  const a = alias('__sm');
  const value: SqlOperand = {
    sql: `[${a}].[multiMatchValue]`,
    params: [],
    nullFallback: many.nullFallback,
    afterBuild: notExpr,
  };
  // PocketBase keeps only the other side's SQL and params here (its null fallback resets to auto).
  const plainOther: SqlOperand = { sql: other.sql, params: other.params, nullFallback: 'auto' };
  const where = inverse ? compare(plainOther, op, value, alias) : compare(value, op, plainOther, alias);
  return sql`NOT EXISTS (SELECT 1 FROM (${subquery}) ${raw(`[${a}]`)} WHERE ${where})`;
}

/** Fails when some pair of values of the two multi-valued sides does not satisfy the comparison. */
function manyVsMany(
  left: SqlOperand,
  lsub: SqlFragment,
  op: SignOp,
  right: SqlOperand,
  rsub: SqlFragment,
  alias: AliasSource,
): SqlFragment {
  const la = alias('__ml');
  const ra = alias('__mr');
  const lv: SqlOperand = { sql: `[${la}].[multiMatchValue]`, params: [], nullFallback: left.nullFallback };
  const rv: SqlOperand = {
    sql: `[${ra}].[multiMatchValue]`,
    params: [],
    nullFallback: right.nullFallback,
    afterBuild: notExpr,
  };
  const where = compare(lv, op, rv, alias);
  return sql`NOT EXISTS (SELECT 1 FROM (${lsub}) ${raw(`[${la}]`)} LEFT JOIN (${rsub}) ${raw(`[${ra}]`)} WHERE ${where})`;
}
