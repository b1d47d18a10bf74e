/** `expand`: loads related and back-related records (nested up to 6 levels), each checked against its view rule. */
import { hasUniqueIndexOn } from '../tools/dbutil/index_parser.js';
import { badRequest } from '../tools/router/api_error.js';
import type { TenantApp } from './app.js';
import type { Collection, RelationField } from './collection_model.js';
import { findField, isMultiValued } from './collection_model.js';
import { findRecordsByIds } from './record_find.js';
import { RecordModel } from './record_model.js';
import { compileRule } from './record_rules.js';
import { RecordResolver } from './record_resolver.js';
import type { RequestInfo } from './request_info.js';
import { isSuperuserAuth } from './request_info.js';
import { quoteId } from './store.js';

const MAX_EXPAND_DEPTH = 6;
const MAX_BACK_RELATIONS = 1000;
const VIA_RE = /^(\w+)_via_(\w+)$/;

interface ExpandTree {
  [name: string]: ExpandTree;
}

function parseExpand(expand: string): ExpandTree {
  const root: ExpandTree = {};
  for (const path of expand.split(',').map((s) => s.trim()).filter(Boolean)) {
    const parts = path.split('.');
    if (parts.length > MAX_EXPAND_DEPTH) throw badRequest(`Expand path "${path}" is deeper than ${MAX_EXPAND_DEPTH} levels.`);
    let node = root;
    for (const p of parts) {
      if (!/^\w+$/.test(p)) throw badRequest(`Invalid expand path "${path}".`);
      node[p] ??= {};
      node = node[p];
    }
  }
  return root;
}

// Ids of `records` that satisfy the view rule of their collection for the request.
function visibleIds(app: TenantApp, c: Collection, ids: string[], info: RequestInfo): Set<string> {
  if (ids.length === 0) return new Set();
  if (isSuperuserAuth(info) || c.viewRule === '') return new Set(ids);
  if (c.viewRule === null) return new Set();
  // Rules of expanded records see @request.context = "expand", as in PocketBase.
  const resolver = new RecordResolver(app, c, { info: { ...info, context: 'expand' }, allowHiddenFields: true });
  const where = compileRule(app, resolver, c.viewRule);
  const joins = resolver.joinSql();
  const main = quoteId(c.name);
  const rows = app.store.data.all<{ id: string }>(
    `SELECT DISTINCT ${main}.\`id\` AS id FROM ${main}${joins.sql} WHERE ${main}.\`id\` IN (SELECT value FROM json_each(?)) AND (${where.sql})`,
    [...joins.params, JSON.stringify(ids), ...where.params],
  );
  return new Set(rows.map((r) => r.id));
}

function idsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  return typeof value === 'string' && value ? [value] : [];
}

function expandRelation(app: TenantApp, records: RecordModel[], field: RelationField, name: string, sub: ExpandTree, info: RequestInfo, onExpanded: (r: RecordModel) => void): void {
  const rel = app.collections.findById(field.collectionId);
  if (!rel) return;
  const allIds = [...new Set(records.flatMap((r) => idsOf(r.get(field.name))))];
  const visible = visibleIds(app, rel, allIds, info);
  const related = new Map(findRecordsByIds(app, rel, [...visible]).map((r) => [r.id, r]));
  expandLevel(app, [...related.values()], sub, info, onExpanded);
  const multiple = isMultiValued(field);
  for (const r of records) {
    const found = idsOf(r.get(field.name)).map((id) => related.get(id)).filter((x): x is RecordModel => Boolean(x));
    if (found.length === 0) continue;
    r.expand[name] = multiple ? found : found[0];
  }
}

function expandBackRelation(app: TenantApp, records: RecordModel[], owner: Collection, name: string, sub: ExpandTree, info: RequestInfo, onExpanded: (r: RecordModel) => void): void {
  const m = VIA_RE.exec(name);
  if (!m) return;
  const back = app.collections.find(m[1]);
  const backField = back ? findField(back, m[2]) : undefined;
  if (!back || !backField || backField.type !== 'relation' || backField.collectionId !== owner.id) return;
  const single = !isMultiValued(backField) && hasUniqueIndexOn(back.indexes, backField.name);
  const col = quoteId(backField.name);
  for (const r of records) {
    const rows = app.store.data.all(
      `SELECT * FROM ${quoteId(back.name)} WHERE ${col} = ? OR (json_valid(${col}) AND json_type(${col}) = 'array' AND EXISTS (SELECT 1 FROM json_each(${col}) WHERE value = ?)) LIMIT ${MAX_BACK_RELATIONS}`,
      [r.id, r.id],
    );
    const candidates = rows.map((row) => RecordModel.fromRow(back, row));
    const visible = visibleIds(app, back, candidates.map((c) => c.id), info);
    const found = candidates.filter((c) => visible.has(c.id));
    if (found.length === 0) continue;
    expandLevel(app, found, sub, info, onExpanded);
    r.expand[name] = single ? found[0] : found;
  }
}

// Expands every branch of `tree` on records grouped by collection.
function expandBranches(app: TenantApp, records: RecordModel[], tree: ExpandTree, info: RequestInfo, onExpanded: (r: RecordModel) => void): void {
  const byCollection = new Map<string, RecordModel[]>();
  for (const r of records) {
    const list = byCollection.get(r.collection.id) ?? [];
    list.push(r);
    byCollection.set(r.collection.id, list);
  }
  for (const [name, sub] of Object.entries(tree)) {
    for (const group of byCollection.values()) {
      const c = group[0].collection;
      const field = findField(c, name);
      if (field?.type === 'relation') expandRelation(app, group, field, name, sub, info, onExpanded);
      else if (!field) expandBackRelation(app, group, c, name, sub, info, onExpanded);
    }
  }
}

// One nested level: the loaded related records are presented, then expanded further.
function expandLevel(app: TenantApp, records: RecordModel[], tree: ExpandTree, info: RequestInfo, onExpanded: (r: RecordModel) => void): void {
  if (records.length === 0) return;
  const nested = Object.keys(tree).length > 0;
  for (const r of records) {
    onExpanded(r);
    if (nested) r.expandRequested = true;
  }
  if (nested) expandBranches(app, records, tree, info, onExpanded);
}

/**
 * Expands `expand` on the given records in place. `onExpanded` is called for every record that
 * ends up in the response (to enrich it, e.g. hide emails).
 */
export function expandRecords(app: TenantApp, records: RecordModel[], expand: string, info: RequestInfo, onExpanded: (r: RecordModel) => void): void {
  if (!expand.trim()) return;
  const tree = parseExpand(expand);
  for (const r of records) r.expandRequested = true;
  expandBranches(app, records, tree, info, onExpanded);
}
