/** The contract between the filter builder and the caller's field resolver. */
import type { SqlFragment, SqlValue } from './sql.js';

/** What one identifier of a filter resolves to (supplied by the caller, e.g. the record field resolver). */
export interface ResolvedOperand {
  /** SQL operand, may contain `?` placeholders; must be atomic (wrap composite expressions in parentheses). */
  sql: string;
  /** Values for those placeholders, in order. */
  params: SqlValue[];
  /**
   * Set when the identifier can yield several values per row (multi relation, multi select, json_each,
   * @collection joins...): a full SELECT statement (with `?` params) returning one column named
   * `multiMatchValue`, correlated with the outer row. Used for PocketBase's "all values must match"
   * semantics of the non-`?` operators.
   */
  multiMatch?: SqlFragment;
  /** Compare with IS / IS NOT and no COALESCE (e.g. json extracted values), as PocketBase's NoCoalesce. */
  noCoalesce?: boolean;
  /**
   * Rewrites the whole comparison this operand took part in (PocketBase's AfterBuild), e.g. to AND
   * an `emailVisibility = TRUE` check onto any comparison of an auth record's `email`.
   */
  afterBuild?: (expr: SqlFragment) => SqlFragment;
}

/** Resolves identifiers (everything that is not a literal, macro, or function) to SQL. Throws FilterError for unknown ones. */
export interface FieldResolver {
  /** Resolves one identifier, modifiers included (`tags:length`, `@request.body.title:changed`). */
  resolve(identifier: string): ResolvedOperand;
}
