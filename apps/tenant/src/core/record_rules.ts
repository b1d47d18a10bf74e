/** API rules: compiling a rule for a collection and checking it against records. */
import { buildFilter, FilterError } from '../tools/filter/index.js';
import type { SqlFragment } from '../tools/filter/index.js';
import type { TenantApp } from './app.js';
import type { Collection } from './collection_model.js';
import { RecordResolver } from './record_resolver.js';
import type { RequestInfo } from './request_info.js';
import { quoteId } from './store.js';

const EMPTY_INFO: RequestInfo = { context: 'default', method: 'GET', headers: {}, query: {}, body: {}, auth: undefined };

/** The message of a rule that cannot compile for the collection, or undefined when it is valid. */
export function ruleError(app: TenantApp, collection: Collection, rule: string): string | undefined {
  try {
    const resolver = new RecordResolver(app, collection, { info: EMPTY_INFO, allowHiddenFields: true });
    buildFilter(rule, resolver, { now: app.now, maxLength: Infinity });
    return undefined;
  } catch (err) {
    if (err instanceof FilterError) return err.message;
    return err instanceof Error ? err.message : String(err);
  }
}

/** Compiles a rule into `resolver` (joins registered there) and returns its WHERE fragment. */
export function compileRule(app: TenantApp, resolver: RecordResolver, rule: string): SqlFragment {
  // Rules were validated when saved; one that no longer compiles (e.g. a field was removed) denies access.
  try {
    return buildFilter(rule, resolver, { now: app.now, aliasPrefix: 'r', maxLength: Infinity });
  } catch (err) {
    if (err instanceof FilterError) return { sql: '0', params: [] };
    throw err;
  }
}

/** True when the record with `id` satisfies `rule` for the request (rule must be a non-empty filter). */
export function recordMatchesRule(app: TenantApp, collection: Collection, id: string, rule: string, info: RequestInfo): boolean {
  const resolver = new RecordResolver(app, collection, { info, allowHiddenFields: true });
  const where = compileRule(app, resolver, rule);
  const joins = resolver.joinSql();
  const main = quoteId(collection.name);
  const sql = `SELECT 1 AS ok FROM ${main}${joins.sql} WHERE ${main}.\`id\` = ? AND (${where.sql}) LIMIT 1`;
  return app.store.data.get(sql, [...joins.params, id, ...where.params]) !== undefined;
}
