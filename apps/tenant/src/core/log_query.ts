/**
 * Reading the logs (superusers' /api/logs): list with PocketBase's filter and sort
 * language over id, created, level, message, data and data.<path>; hourly stats; one
 * entry by id.
 */
import { badRequest } from '../tools/router/api_error.js';
import { buildFilter, buildSort, FilterError, type FieldResolver, type ResolvedOperand } from '../tools/filter/index.js';
import { formatDate } from '../tools/types/datetime.js';
import type { TenantApp } from './app.js';
import { pageOffset, readPaging } from './record_query.js';
import type { SqlValue } from './store.js';

/** A log entry as the API shows it. */
export interface LogJSON {
  id: string;
  created: string;
  data: Record<string, unknown>;
  message: string;
  level: number;
}

const COLUMNS = new Set(['id', 'created', 'level', 'message', 'data']);
const DATA_PATH = /^data\.([\w.:]*\w)$/;

/** Columns of `_logs` and JSON paths inside `data`; anything else is unknown. */
const logResolver: FieldResolver = {
  resolve(identifier: string): ResolvedOperand {
    if (COLUMNS.has(identifier)) return { sql: `\`_logs\`.\`${identifier}\``, params: [] };
    const m = DATA_PATH.exec(identifier);
    if (m) {
      // The path is written into the SQL (sort terms take no parameters); DATA_PATH admits only
      // word characters, dots and colons, so it cannot close the quotes. Numeric segments are
      // array indexes, as PocketBase reads them.
      const path = m[1].split('.').map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : `.${seg}`)).join('');
      return { sql: `JSON_EXTRACT(\`_logs\`.\`data\`, '$${path}')`, params: [], noCoalesce: true };
    }
    throw new FilterError(`unknown field "${identifier}"`);
  },
};

function toJSON(row: Record<string, unknown>): LogJSON {
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(String(row.data ?? '{}')) as Record<string, unknown>;
  } catch {
    // a row written by something else; show it without data
  }
  return { id: String(row.id), created: String(row.created), data, message: String(row.message), level: Number(row.level) };
}

function where(filter: string | undefined, app: TenantApp): { sql: string; params: SqlValue[] } {
  if (!filter) return { sql: '', params: [] };
  const f = buildFilter(filter, logResolver, { now: app.now });
  return { sql: ` WHERE ${f.sql}`, params: f.params };
}

/** One page of logs. */
export function listLogs(app: TenantApp, q: { page?: string; perPage?: string; skipTotal?: string; filter?: string; sort?: string }) {
  app.logs.flush();
  const { page, perPage, skipTotal } = readPaging(q);
  try {
    const w = where(q.filter, app);
    const orderBy = q.sort ? ` ORDER BY ${buildSort(q.sort, logResolver, { rowidTable: '_logs' })}` : '';
    const aux = app.store.aux;
    let totalItems = -1;
    let totalPages = -1;
    if (!skipTotal) {
      totalItems = aux.get<{ n: number }>(`SELECT COUNT(*) AS n FROM \`_logs\`${w.sql}`, w.params)?.n ?? 0;
      totalPages = Math.ceil(totalItems / perPage);
    }
    const rows = aux.all(`SELECT * FROM \`_logs\`${w.sql}${orderBy} LIMIT ? OFFSET ?`, [...w.params, perPage, pageOffset(page, perPage)]);
    return { page, perPage, totalItems, totalPages, items: rows.map(toJSON) };
  } catch (err) {
    if (err instanceof FilterError) throw badRequest(undefined, {}, err);
    throw err;
  }
}

/** Requests per hour: `[{total, date}]`, dates as "YYYY-MM-DD HH:00:00.000Z". */
export function logStats(app: TenantApp, filter: string | undefined): Array<{ total: number; date: string }> {
  app.logs.flush();
  let w: { sql: string; params: SqlValue[] };
  try {
    w = where(filter, app);
  } catch (err) {
    if (err instanceof FilterError) throw badRequest('Invalid filter format.', {}, err);
    throw err;
  }
  const rows = app.store.aux.all<{ total: number; date: string }>(
    `SELECT COUNT(\`id\`) AS total, strftime('%Y-%m-%d %H:00:00', \`created\`) AS date FROM \`_logs\`${w.sql} GROUP BY date ORDER BY date`,
    w.params,
  );
  return rows.map((r) => ({ total: r.total, date: formatDate(new Date(`${r.date.replace(' ', 'T')}Z`)) }));
}

/** One entry, or undefined. */
export function findLog(app: TenantApp, id: string): LogJSON | undefined {
  app.logs.flush();
  const row = app.store.aux.get('SELECT * FROM `_logs` WHERE `id` = ?', [id]);
  return row ? toJSON(row) : undefined;
}
