/** Record lists: rules, client filter, sort, pagination and totals in one parameterised query. */
import { buildFilter, buildSort, FilterError, listIdentifiers, parseFilter } from '../tools/filter/index.js';
import type { SqlValue } from '../tools/filter/index.js';
import { badRequest, forbidden } from '../tools/router/api_error.js';
import type { TenantApp } from './app.js';
import type { Collection } from './collection_model.js';
import { compileRule } from './record_rules.js';
import { RecordModel } from './record_model.js';
import { RecordResolver } from './record_resolver.js';
import type { RequestInfo } from './request_info.js';
import { isSuperuserAuth } from './request_info.js';
import { quoteId } from './store.js';

/** Default and maximum page sizes (PocketBase's). */
export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 1000;

/** List parameters as the query string gives them. */
export interface ListParams {
  page?: string;
  perPage?: string;
  sort?: string;
  filter?: string;
  skipTotal?: string;
}

/** A page of records. */
export interface ListResult {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: RecordModel[];
}

function positiveInt(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number.parseInt(raw, 10);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

function isTruthy(raw: string | undefined): boolean {
  return raw !== undefined && /^(1|true|t|yes|on)$/i.test(raw);
}

/** The paging query parameters of any list endpoint, defaulted and capped. */
export function readPaging(params: { page?: string; perPage?: string; skipTotal?: string }): { page: number; perPage: number; skipTotal: boolean } {
  return {
    page: positiveInt(params.page, 1),
    perPage: Math.min(positiveInt(params.perPage, DEFAULT_PER_PAGE), MAX_PER_PAGE),
    skipTotal: isTruthy(params.skipTotal),
  };
}

/** The row offset of a page, clamped so that absurd page numbers stay a valid SQLite integer. */
export function pageOffset(page: number, perPage: number): number {
  return Math.min((page - 1) * perPage, Number.MAX_SAFE_INTEGER);
}

const PRIVILEGED = /^@(collection|request)\./;

/** Refuses @collection/@request identifiers in client filters of non-superusers. */
function checkClientIdentifiers(text: string, superuser: boolean, what: string): void {
  if (superuser || !text) return;
  let ids: string[];
  if (what === 'filter') {
    try {
      ids = listIdentifiers(parseFilter(text));
    } catch {
      return; // the build step reports the syntax error
    }
  } else {
    ids = text.split(',').map((s) => s.trim().replace(/^[-+]/, ''));
  }
  for (const id of ids) {
    const m = PRIVILEGED.exec(id);
    if (m) throw forbidden(`Only superusers can filter by @${m[1]}.`);
  }
}

/**
 * Lists records visible to the request: the list rule (null = superusers only) ANDed with the
 * client filter; sorting, paging and optional totals.
 */
export function listRecords(app: TenantApp, collection: Collection, params: ListParams, info: RequestInfo): ListResult {
  const superuser = isSuperuserAuth(info);
  if (collection.listRule === null && !superuser) throw forbidden('Only superusers can perform this action.');
  const { page, perPage, skipTotal } = readPaging(params);
  checkClientIdentifiers(params.filter ?? '', superuser, 'filter');
  checkClientIdentifiers(params.sort ?? '', superuser, 'sort');

  const resolver = new RecordResolver(app, collection, { info, allowHiddenFields: true });
  const where: string[] = [];
  const whereParams: SqlValue[] = [];
  if (!superuser && collection.listRule) {
    const rule = compileRule(app, resolver, collection.listRule);
    where.push(`(${rule.sql})`);
    whereParams.push(...rule.params);
  }
  // One resolver for rule and client filter so that both share the same joins; hidden fields
  // are allowed in the rule (written by a superuser) but only superusers may filter by them.
  resolver.setAllowHiddenFields(superuser);
  let orderBy = '';
  try {
    if (params.filter) {
      const f = buildFilter(params.filter, resolver, { now: app.now, aliasPrefix: 'f' });
      where.push(`(${f.sql})`);
      whereParams.push(...f.params);
    }
    // Views have no rowid of their own.
    if (params.sort) orderBy = buildSort(params.sort, resolver, { rowidTable: collection.type === 'view' ? undefined : collection.name });
    if (collection.type === 'view' && /(^|[\s,+-])@rowid\b/.test(params.sort ?? '')) throw new FilterError('@rowid is not available for view collections');
    for (const cond of resolver.listRuleConditions((nested, rule) => compileRule(app, nested, rule))) {
      where.push(`(${cond.sql})`);
      whereParams.push(...cond.params);
    }
  } catch (err) {
    if (err instanceof FilterError) throw badRequest(undefined, {}, err);
    throw err;
  }

  const main = quoteId(collection.name);
  const joins = resolver.joinSql();
  const hasJoins = resolver.hasJoins;
  const from = `FROM ${main}${joins.sql}`;
  const fromParams = joins.params;
  const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const selectCols = hasJoins ? `DISTINCT ${main}.*` : `${main}.*`;

  return app.read(() => {
    let totalItems = -1;
    let totalPages = -1;
    if (!skipTotal) {
      const countExpr = hasJoins ? `COUNT(DISTINCT ${main}.\`id\`)` : 'COUNT(*)';
      const row = app.store.data.get<{ n: number }>(`SELECT ${countExpr} AS n ${from}${whereSql}`, [...fromParams, ...whereParams]);
      totalItems = row?.n ?? 0;
      totalPages = Math.ceil(totalItems / perPage);
    }
    const sql = `SELECT ${selectCols} ${from}${whereSql}${orderBy ? ` ORDER BY ${orderBy}` : ''} LIMIT ? OFFSET ?`;
    const rows = app.store.data.all(sql, [...fromParams, ...whereParams, perPage, pageOffset(page, perPage)]);
    return { page, perPage, totalItems, totalPages, items: rows.map((r) => RecordModel.fromRow(collection, r)) };
  });
}

/**
 * True when the record with `id` matches a client's `filter` under the same restrictions as a
 * list request's filter: hidden fields and `@collection`/`@request` only for superusers, and
 * the list rules of every collection the filter reaches through relations. A filter that is
 * refused or does not compile matches nothing. (Realtime subscriptions use it.)
 */
export function recordMatchesFilter(app: TenantApp, collection: Collection, id: string, filter: string, info: RequestInfo): boolean {
  const superuser = isSuperuserAuth(info);
  try {
    checkClientIdentifiers(filter, superuser, 'filter');
    const resolver = new RecordResolver(app, collection, { info, allowHiddenFields: superuser });
    const f = buildFilter(filter, resolver, { now: app.now, aliasPrefix: 'f' });
    const where = [`(${f.sql})`];
    const params: SqlValue[] = [...f.params];
    for (const cond of resolver.listRuleConditions((nested, rule) => compileRule(app, nested, rule))) {
      where.push(`(${cond.sql})`);
      params.push(...cond.params);
    }
    const main = quoteId(collection.name);
    const joins = resolver.joinSql();
    const sql = `SELECT 1 AS ok FROM ${main}${joins.sql} WHERE ${main}.\`id\` = ? AND ${where.join(' AND ')} LIMIT 1`;
    return app.store.data.get(sql, [...joins.params, id, ...params]) !== undefined;
  } catch (err) {
    if (err instanceof FilterError || (err instanceof Error && 'status' in err)) return false;
    throw err;
  }
}
