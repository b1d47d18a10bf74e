/** Parameterised SQL fragments and the helpers that join them without ever splicing values. */

/** A value bound to a `?` placeholder. */
export type SqlValue = string | number | bigint | null;

/** SQL text with `?` placeholders and their values, in order. */
export interface SqlFragment {
  sql: string;
  params: SqlValue[];
}

/** A fragment of trusted constant SQL written in this library (never user text). */
export function raw(sql: string): SqlFragment {
  return { sql, params: [] };
}

/** One `?` bound to `value`. */
export function param(value: SqlValue): SqlFragment {
  return { sql: '?', params: [value] };
}

/**
 * Tagged template joining constant SQL with fragments, keeping params in textual order:
 * sql`${a} = ${b}`. A fragment used twice contributes its params twice.
 */
export function sql(strings: TemplateStringsArray, ...parts: SqlFragment[]): SqlFragment {
  let text = strings[0];
  const params: SqlValue[] = [];
  parts.forEach((part, i) => {
    text += part.sql + strings[i + 1];
    params.push(...part.params);
  });
  return { sql: text, params };
}

/** Joins fragments with a constant separator. */
export function join(parts: SqlFragment[], separator: string): SqlFragment {
  return {
    sql: parts.map((p) => p.sql).join(separator),
    params: parts.flatMap((p) => p.params),
  };
}
