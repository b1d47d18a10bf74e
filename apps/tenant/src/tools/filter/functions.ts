/** The filter functions of PocketBase v0.39: `geoDistance` and `strftime`. */
import type { AliasSource, SqlOperand } from './compare.js';
import { FilterError } from './errors.js';
import type { Operand } from './parser.js';
import { join, raw, sql, type SqlFragment } from './sql.js';

/** Resolves one function argument (identifier, macro, text or number) to an operand. */
export type ArgResolver = (arg: Operand) => SqlOperand;

/** A filter function: validates its arguments and returns the operand it stands for. */
export type FilterFunction = (args: Operand[], resolveArg: ArgResolver, alias: AliasSource) => SqlOperand;

/** Resolves an argument, prefixing any FilterError message with `context`. */
function resolveWith(resolveArg: ArgResolver, arg: Operand, context: string): SqlOperand {
  try {
    return resolveArg(arg);
  } catch (e) {
    if (e instanceof FilterError) throw new FilterError(context + e.message);
    throw e;
  }
}

/**
 * geoDistance(lonA, latA, lonB, latB): haversine distance in km. Arguments are identifiers or
 * numbers; multi-valued identifiers get no "all must match" constraint (any joined row may match).
 */
const geoDistance: FilterFunction = (args, resolveArg) => {
  if (args.length !== 4) throw new FilterError(`[geoDistance] expected 4 arguments, got ${args.length}`);
  const resolved = args.map((arg, i) => {
    if (arg.kind !== 'identifier' && arg.kind !== 'number') {
      throw new FilterError(`[geoDistance] argument ${i} must be an identifier or number`);
    }
    const { sql: text, params } = resolveWith(resolveArg, arg, `[geoDistance] failed to resolve argument ${i}: `);
    return { sql: text, params };
  });
  const [lonA, latA, lonB, latB] = resolved;
  const distance = sql`(6371 * acos(cos(radians(${latA})) * cos(radians(${latB})) * cos(radians(${lonB}) - radians(${lonA})) + sin(radians(${latA})) * sin(radians(${latB}))))`;
  return { ...distance, nullFallback: 'disabled' };
};

/** Most arguments strftime accepts (format, time value and up to 8 modifiers). */
const STRFTIME_MAX_ARGS = 10;

/**
 * strftime(format, [timeValue, modifiers...]): SQLite's strftime with text format and modifiers and
 * a text/number/identifier time value. A multi-valued time value keeps its multi-match subquery,
 * with the formatting applied to each of its values.
 */
const strftime: FilterFunction = (args, resolveArg, alias) => {
  const total = args.length;
  if (total < 1) throw new FilterError(`[strftime] expected at least 1 arguments, got ${total}`);
  if (total > STRFTIME_MAX_ARGS) {
    throw new FilterError(`[strftime] too many arguments (max allowed ${STRFTIME_MAX_ARGS}, got ${total})`);
  }

  if (args[0].kind !== 'text') throw new FilterError('[strftime] expects the first argument to be a format string');
  const format = resolveWith(resolveArg, args[0], '[strftime] failed to resolve format argument: ');
  if (total === 1) return { ...sql`strftime(${format})`, nullFallback: 'enforced' };

  const timeArg = args[1];
  if (timeArg.kind !== 'text' && timeArg.kind !== 'identifier' && timeArg.kind !== 'number') {
    throw new FilterError('[strftime] expects the second argument to be of a valid time-value type');
  }
  const timeValue = resolveWith(resolveArg, timeArg, '[strftime] failed to resolve time-value argument: ');

  const modifiers = args.slice(2).map((arg, i) => {
    if (arg.kind !== 'text') throw new FilterError(`[strftime] invalid modifier argument ${i} - can be only string`);
    return resolveWith(resolveArg, arg, `[strftime] failed to resolve modifier argument ${i}: `);
  });

  const call = (value: SqlFragment): SqlFragment => sql`strftime(${join([format, value, ...modifiers], ',')})`;
  const result: SqlOperand = { ...call(timeValue), nullFallback: 'enforced' };

  if (timeValue.multiMatch) {
    const a = alias('__mmw');
    const each = call(raw(`[${a}].[multiMatchValue]`));
    result.multiMatch = sql`SELECT ${each} AS [multiMatchValue] FROM (${timeValue.multiMatch}) ${raw(`[${a}]`)}`;
  }
  return result;
};

/** Functions by their (case-sensitive) name. */
export const FUNCTIONS: Readonly<Record<string, FilterFunction>> = { geoDistance, strftime };
