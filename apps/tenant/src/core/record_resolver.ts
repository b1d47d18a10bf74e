/**
 * Resolves filter/rule identifiers of a collection to SQL (PocketBase's RecordFieldResolver):
 * field paths through relations and back-relations become LEFT JOINs on the main query, and
 * multi-valued paths also produce a "multi-match" subquery for the all-values semantics of
 * the plain operators. `@request.*` values are always bound as parameters.
 */
import { hasUniqueIndexOn } from '../tools/dbutil/index_parser.js';
import { FilterError } from '../tools/filter/index.js';
import type { FieldResolver, ResolvedOperand, SqlFragment, SqlValue } from '../tools/filter/index.js';
import type { TenantApp } from './app.js';
import type { Collection, Field, RelationField } from './collection_model.js';
import { findField, isMultiValued } from './collection_model.js';
import type { RequestInfo } from './request_info.js';
import { quoteId } from './store.js';

const MAX_NESTED_RELS = 6;
const MODIFIERS = new Set(['isset', 'changed', 'length', 'each', 'lower']);
const VIA_RE = /^(\w+)_via_(\w+)$/;
/** Auth fields read from the auth record directly (no join). */
const PLAIN_AUTH_FIELDS = new Set(['id', 'collectionId', 'collectionName', 'email', 'emailVisibility', 'verified']);

interface Join {
  table: string;
  alias: string;
  on: SqlFragment | undefined;
  /** Params of a table function (json_each(?)). */
  tableParams?: SqlValue[];
}

/** Options of a resolver. */
export interface RecordResolverOptions {
  /** The request the rule is checked for (undefined: every @request.* is NULL). */
  info?: RequestInfo;
  /** Hidden fields may be used (rules and superusers), else they are refused. */
  allowHiddenFields: boolean;
  /** Alias of the main table (default: its name); set when resolving inside another query. */
  mainAlias?: string;
  /** Appended to @collection/@request.auth join aliases to keep nested resolvers apart. */
  aliasSuffix?: string;
}

const q = quoteId;

function jsonEach(column: string): string {
  return `json_each(CASE WHEN json_valid(${column}) THEN ${column} ELSE json_array(${column}) END)`;
}

function jsonArrayLength(column: string): string {
  return `(CASE WHEN json_valid(${column}) THEN json_array_length(${column}) ELSE 0 END)`;
}

function jsonExtract(column: string, path: string): string {
  // A path built only from \w segments and [digits], never from other user text.
  return `(CASE WHEN json_valid(${column}) THEN JSON_EXTRACT(${column}, '$${path}') ELSE JSON_EXTRACT(json_object('pb', ${column}), '$.pb${path}') END)`;
}

function splitModifier(prop: string): { name: string; modifier: string } {
  const i = prop.lastIndexOf(':');
  if (i < 0) return { name: prop, modifier: '' };
  const modifier = prop.slice(i + 1);
  if (!MODIFIERS.has(modifier)) throw new FilterError(`unknown modifier "${modifier}"`);
  return { name: prop.slice(0, i), modifier };
}

/** Static @request value → bound operand (arrays/objects JSON-encoded, booleans as 1/0). */
function staticOperand(value: unknown): ResolvedOperand {
  if (value === undefined || value === null) return { sql: 'NULL', params: [] };
  if (typeof value === 'boolean') return { sql: value ? '1' : '0', params: [] };
  if (typeof value === 'number') return { sql: '?', params: [value] };
  if (typeof value === 'string') return { sql: '?', params: [value] };
  return { sql: '?', params: [JSON.stringify(value)] };
}

/** The resolver of one query on `collection` (main table alias = the table name). */
export class RecordResolver implements FieldResolver {
  private readonly joins = new Map<string, Join>();
  /** Joined collections whose list rule must also hold (client filters of non-superusers). */
  private readonly listRuleJoins = new Map<string, Collection>();
  readonly mainAlias: string;
  readonly aliasSuffix: string;

  constructor(
    private readonly app: TenantApp,
    readonly collection: Collection,
    private opts: RecordResolverOptions,
  ) {
    this.mainAlias = opts.mainAlias ?? collection.name;
    this.aliasSuffix = opts.aliasSuffix ?? '';
  }

  /**
   * The list rules of collections joined by a non-superuser's filter, compiled against their
   * join aliases (PocketBase: a client may not see through a relation what it could not list).
   * Call after every identifier was resolved; the extra joins are added to this resolver.
   */
  listRuleConditions(compile: (resolver: RecordResolver, rule: string) => SqlFragment): SqlFragment[] {
    const out: SqlFragment[] = [];
    let n = 0;
    for (const [alias, c] of this.listRuleJoins) {
      if (!c.listRule) continue;
      const nested = new RecordResolver(this.app, c, { info: this.opts.info, allowHiddenFields: true, mainAlias: alias, aliasSuffix: `${this.aliasSuffix}_lr${++n}` });
      out.push(compile(nested, c.listRule));
      for (const j of nested.joins.values()) this.joins.set(j.alias, j);
    }
    return out;
  }

  /** Changes whether hidden fields may be used by the identifiers resolved from now on. */
  setAllowHiddenFields(allow: boolean): void {
    this.opts = { ...this.opts, allowHiddenFields: allow };
  }

  /** True when some identifier needed a join (the query then needs DISTINCT). */
  get hasJoins(): boolean {
    return this.joins.size > 0;
  }

  /** The LEFT JOIN clauses registered so far. */
  joinSql(): SqlFragment {
    let sql = '';
    const params: SqlValue[] = [];
    for (const j of this.joins.values()) {
      sql += ` LEFT JOIN ${j.table} ${q(j.alias)}`;
      if (j.tableParams) params.push(...j.tableParams);
      if (j.on) {
        sql += ` ON ${j.on.sql}`;
        params.push(...j.on.params);
      }
    }
    return { sql, params };
  }

  private registerJoin(table: string, alias: string, on?: SqlFragment, tableParams?: SqlValue[], collection?: Collection): void {
    if (collection && !this.opts.allowHiddenFields) {
      if (collection.listRule === null) throw new FilterError(`"${collection.name}" fields can be accessed only by superusers`);
      this.listRuleJoins.set(alias, collection);
    }
    // Re-registering an alias replaces it (the same path always yields the same join).
    this.joins.delete(alias);
    this.joins.set(alias, { table, alias, on, tableParams });
  }

  private loadCollection(nameOrId: string): Collection {
    const c = this.app.collections.find(nameOrId);
    if (!c) throw new FilterError(`failed to load collection "${nameOrId}"`);
    return c;
  }

  /** @inheritdoc */
  resolve(identifier: string): ResolvedOperand {
    return new PathRunner(this, identifier, this.opts, (t, a, on, tp, c) => this.registerJoin(t, a, on, tp, c), (n) => this.loadCollection(n)).run();
  }
}

interface MultiMatch {
  fromAlias: string;
  joins: Join[];
  value: string;
}

// One identifier's resolution; keeps the main-query alias chain and the multi-match chain in step.
class PathRunner {
  private props: string[];
  private activeCollection: Collection;
  private activeAlias: string;
  private mmAlias: string;
  private withMultiMatch = false;
  private readonly mm: MultiMatch;
  private allowHidden: boolean;
  private readonly nullifyMissing: boolean;
  private readonly suffix: string;

  constructor(
    private readonly resolver: RecordResolver,
    private readonly identifier: string,
    private readonly opts: RecordResolverOptions,
    private readonly registerJoin: (table: string, alias: string, on?: SqlFragment, tableParams?: SqlValue[], collection?: Collection) => void,
    private readonly loadCollection: (nameOrId: string) => Collection,
  ) {
    this.props = identifier.split('.');
    this.activeCollection = resolver.collection;
    this.activeAlias = resolver.mainAlias;
    this.mmAlias = '__mm_' + resolver.mainAlias;
    this.suffix = resolver.aliasSuffix;
    this.mm = { fromAlias: this.mmAlias, joins: [], value: '' };
    this.allowHidden = opts.allowHiddenFields || this.props[0] === '@collection' || this.props[0] === '@request';
    this.nullifyMissing = this.props[0] === '@request';
  }

  run(): ResolvedOperand {
    if (this.props.some((p) => p === '')) throw new FilterError(`invalid field "${this.identifier}"`);
    if (this.props[0] === '@collection') return this.collectionField();
    if (this.props[0] === '@request') return this.requestField();
    if (this.props[0].startsWith('@')) throw new FilterError(`unknown identifier "${this.identifier}"`);
    return this.activeProps();
  }

  private multiMatchFragment(): SqlFragment {
    const base = this.resolver.collection.name;
    let sql = `SELECT ${this.mm.value} AS ${q('multiMatchValue')} FROM ${q(base)} ${q(this.mm.fromAlias)}`;
    const params: SqlValue[] = [];
    for (const j of this.mm.joins) {
      sql += ` LEFT JOIN ${j.table} ${q(j.alias)}`;
      if (j.tableParams) params.push(...j.tableParams);
      if (j.on) {
        sql += ` ON ${j.on.sql}`;
        params.push(...j.on.params);
      }
    }
    sql += ` WHERE ${q(this.mm.fromAlias)}.${q('id')} = ${q(this.resolver.mainAlias)}.${q('id')}`;
    return { sql, params };
  }

  private result(sql: string, params: SqlValue[] = [], extra: Partial<ResolvedOperand> = {}): ResolvedOperand {
    const r: ResolvedOperand = { sql, params, ...extra };
    if (this.withMultiMatch) r.multiMatch = this.multiMatchFragment();
    return r;
  }

  private collectionField(): ResolvedOperand {
    if (this.props.length < 3) throw new FilterError(`invalid @collection field path in "${this.identifier}"`);
    const [nameOrId, alias] = this.props[1].split(':', 2);
    const c = this.loadCollection(nameOrId);
    if (alias !== undefined && !/^\w+$/.test(alias)) throw new FilterError(`invalid @collection alias "${alias}"`);
    this.activeCollection = c;
    this.activeAlias = (alias ? `__collection_alias_${alias}` : `__collection_${c.name}`) + this.suffix;
    this.withMultiMatch = true;
    this.registerJoin(q(c.name), this.activeAlias, undefined, undefined, c);
    this.mmAlias = '__mm' + this.activeAlias;
    this.mm.joins.push({ table: q(c.name), alias: this.mmAlias, on: undefined });
    this.props = this.props.slice(2);
    return this.activeProps();
  }

  private requestField(): ResolvedOperand {
    const info = this.opts.info;
    if (!info) return { sql: 'NULL', params: [] };
    const section = this.props[1];
    if (section === 'auth' && this.props.length > 2) return this.authField(info);
    if (section === 'body' && this.props.length > 2) {
      const { name, modifier } = splitModifier(this.props[2]);
      const field = findField(this.resolver.collection, name);
      if (field) {
        if (field.type === 'relation' && this.props.length > 3) return this.bodyRelationField(info, field);
        if (this.props.length === 3) {
          if (modifier === 'each') return this.bodyEach(info, field);
          if (modifier === 'length') return this.bodyLength(info, field);
          if (modifier === 'lower') return { sql: 'LOWER(?)', params: [stringOf(info.body[field.name])] };
          if (modifier === 'changed') return this.bodyChanged(info, field);
        }
      }
    }
    return this.staticField(info);
  }

  private staticField(info: RequestInfo): ResolvedOperand {
    const last = this.props[this.props.length - 1];
    const { name: lastName, modifier } = splitModifier(last);
    const path = [...this.props.slice(1, -1), lastName];
    const section = path[0];
    let value: unknown;
    let isset = false;
    if (section === 'context' && path.length === 1) value = info.context;
    else if (section === 'method' && path.length === 1) value = info.method;
    else if (section === 'headers' || section === 'query' || section === 'body' || section === 'auth') {
      let cur: unknown = section === 'auth' ? undefined : info[section];
      let keys = path.slice(1);
      if (section === 'auth') {
        // Only the first key is looked up on the auth record (no copy of the whole record).
        cur = authValue(info, keys[0]);
        keys = keys.slice(1);
        isset = cur !== undefined;
      } else isset = true;
      for (const key of keys) {
        if (cur !== null && typeof cur === 'object' && !Array.isArray(cur) && key in (cur as Record<string, unknown>)) {
          cur = (cur as Record<string, unknown>)[key];
        } else {
          cur = undefined;
          isset = false;
          break;
        }
      }
      value = cur;
      if (path.length === 1) isset = false;
    } else {
      throw new FilterError(`unknown request field "${this.identifier}"`);
    }
    // Multipart and urlencoded bodies carry numbers as text: compare them as numbers.
    if (typeof value === 'string' && path.length === 2 && section === 'body' && findField(this.resolver.collection, path[1])?.type === 'number') {
      const n = Number(value.trim());
      if (value.trim() !== '' && Number.isFinite(n)) value = n;
    }
    if (modifier === 'isset') {
      if (section !== 'body') throw new FilterError('the :isset modifier works only with @request.body fields');
      return { sql: isset ? '1' : '0', params: [] };
    }
    if (modifier === 'lower') return { sql: 'LOWER(?)', params: [stringOf(value)] };
    if (modifier === 'length') return { sql: String(Array.isArray(value) ? value.length : 0), params: [] };
    if (modifier && modifier !== 'each' && modifier !== 'changed') throw new FilterError(`unsupported modifier "${modifier}"`);
    return staticOperand(value);
  }

  private bodyEach(info: RequestInfo, field: Field): ResolvedOperand {
    if (!['select', 'relation', 'file'].includes(field.type)) throw new FilterError(`field "${field.name}" doesn't support multivalue operations`);
    const items = JSON.stringify(toArray(info.body[field.name]));
    const alias = `__dataEach_${field.name}_je`;
    this.registerJoin('json_each(?)', alias, undefined, [items]);
    if (isMultiValued(field)) this.withMultiMatch = true;
    if (this.withMultiMatch) {
      const mmAlias = '__mm' + alias;
      this.mm.joins.push({ table: 'json_each(?)', alias: mmAlias, on: undefined, tableParams: [items] });
      this.mm.value = `${q(mmAlias)}.${q('value')}`;
    }
    return this.result(`${q(alias)}.${q('value')}`);
  }

  private bodyLength(info: RequestInfo, field: Field): ResolvedOperand {
    if (!['select', 'relation', 'file'].includes(field.type)) throw new FilterError(`field "${field.name}" doesn't support multivalue operations`);
    return { sql: String(toArray(info.body[field.name]).length), params: [] };
  }

  private bodyChanged(info: RequestInfo, field: Field): ResolvedOperand {
    // isset && body value != stored value; the comparison happens in SQL against the record.
    if (!(field.name in info.body)) return { sql: '0', params: [] };
    const v = staticOperand(info.body[field.name]);
    const col = `${q(this.resolver.mainAlias)}.${q(field.name)}`;
    return { sql: `(CASE WHEN ${v.sql} IS NOT ${col} THEN 1 ELSE 0 END)`, params: v.params };
  }

  private bodyRelationField(info: RequestInfo, field: RelationField): ResolvedOperand {
    const rel = this.loadCollection(field.collectionId);
    const ids = [...new Set(toArray(info.body[field.name]).map(String).filter(Boolean))];
    if (ids.length === 0) return { sql: 'NULL', params: [] };
    this.activeCollection = rel;
    this.activeAlias = `__data_${rel.name}_${field.name}`;
    const inIds = { sql: `${q(this.activeAlias)}.${q('id')} IN (${ids.map(() => '?').join(', ')})`, params: ids };
    this.registerJoin(q(rel.name), this.activeAlias, inIds, undefined, rel);
    if (isMultiValued(field)) this.withMultiMatch = true;
    this.mmAlias = `__data_mm_${rel.name}_${field.name}`;
    this.mm.joins.push({
      table: q(rel.name), alias: this.mmAlias,
      on: { sql: `${q(this.mmAlias)}.${q('id')} IN (${ids.map(() => '?').join(', ')})`, params: ids },
    });
    this.props = this.props.slice(3);
    return this.activeProps();
  }

  private authField(info: RequestInfo): ResolvedOperand {
    const auth = info.auth;
    if (!auth) return { sql: 'NULL', params: [] };
    if (this.props.length === 3 && PLAIN_AUTH_FIELDS.has(splitModifier(this.props[2]).name)) return this.staticField(info);
    const c = auth.collection;
    this.activeCollection = c;
    this.activeAlias = `__auth_${c.name}${this.suffix}`;
    this.registerJoin(q(c.name), this.activeAlias, { sql: `${q(this.activeAlias)}.${q('id')} = ?`, params: [auth.id] }, undefined, c);
    this.mmAlias = `__mm___auth_${c.name}`;
    this.mm.joins.push({ table: q(c.name), alias: this.mmAlias, on: { sql: `${q(this.mmAlias)}.${q('id')} = ?`, params: [auth.id] } });
    this.props = this.props.slice(2);
    return this.activeProps();
  }

  private activeProps(): ResolvedOperand {
    const total = this.props.length;
    for (let i = 0; i < total; i++) {
      const prop = this.props[i];
      const collection = this.activeCollection;
      if (i === total - 1) return this.lastProp(collection, prop);
      const field = findField(collection, prop);
      if (field?.hidden && !this.allowHidden) throw new FilterError(`non-filterable field "${prop}"`);
      if (field && (field.type === 'json' || field.type === 'geoPoint')) return this.jsonPath(field, this.props.slice(i + 1));
      if (i >= MAX_NESTED_RELS) throw new FilterError(`max nested relations reached for field "${prop}"`);
      if (!field) {
        this.backRelation(collection, prop);
        continue;
      }
      if (field.type !== 'relation') throw new FilterError(`field "${prop}" is not a valid relation`);
      const rel = this.loadCollection(field.collectionId);
      const multiple = isMultiValued(field);
      // "rel.id" is the same as "rel" for single relations: no join needed.
      if (!multiple && i === total - 2 && this.props[i + 1] === 'id') return this.lastProp(collection, field.name);
      const col = `${q(this.activeAlias)}.${q(field.name)}`;
      const alias = `${this.activeAlias}_${field.name}`;
      if (!multiple) {
        this.registerJoin(q(rel.name), alias, { sql: `${q(alias)}.${q('id')} = ${col}`, params: [] }, undefined, rel);
      } else {
        const je = `${this.activeAlias}_${field.name}_je`;
        this.registerJoin(jsonEach(col), je);
        this.registerJoin(q(rel.name), alias, { sql: `${q(alias)}.${q('id')} = ${q(je)}.${q('value')}`, params: [] }, undefined, rel);
        this.withMultiMatch = true;
      }
      const mmCol = `${q(this.mmAlias)}.${q(field.name)}`;
      const mmAlias = `${this.mmAlias}_${field.name}`;
      if (!multiple) {
        this.mm.joins.push({ table: q(rel.name), alias: mmAlias, on: { sql: `${q(mmAlias)}.${q('id')} = ${mmCol}`, params: [] } });
      } else {
        const je2 = `${this.mmAlias}_${field.name}_je`;
        this.mm.joins.push({ table: jsonEach(mmCol), alias: je2, on: undefined });
        this.mm.joins.push({ table: q(rel.name), alias: mmAlias, on: { sql: `${q(mmAlias)}.${q('id')} = ${q(je2)}.${q('value')}`, params: [] } });
      }
      this.activeCollection = rel;
      this.activeAlias = alias;
      this.mmAlias = mmAlias;
    }
    throw new FilterError(`failed to resolve field "${this.identifier}"`);
  }

  private backRelation(collection: Collection, prop: string): void {
    const m = VIA_RE.exec(prop);
    if (!m) throw new FilterError(`failed to resolve field "${prop}"`);
    const back = this.loadCollection(m[1]);
    const backField = findField(back, m[2]);
    if (!backField || backField.type !== 'relation') throw new FilterError(`invalid back relation field "${m[2]}"`);
    if (backField.collectionId !== collection.id) throw new FilterError(`invalid collection reference of a back relation field "${m[2]}"`);
    if (backField.hidden && !this.allowHidden) throw new FilterError(`non-filterable back relation field "${m[2]}"`);
    const multiple = isMultiValued(backField) || !hasUniqueIndexOn(back.indexes, backField.name);
    const alias = `${this.activeAlias}_${prop}`;
    const onFor = (a: string, from: string): SqlFragment => multiple
      ? { sql: `${q(from)}.${q('id')} IN (SELECT ${q(a + '_je')}.${q('value')} FROM ${jsonEach(`${q(a)}.${q(backField.name)}`)} ${q(a + '_je')})`, params: [] }
      : { sql: `${q(a)}.${q(backField.name)} = ${q(from)}.${q('id')}`, params: [] };
    this.registerJoin(q(back.name), alias, onFor(alias, this.activeAlias), undefined, back);
    if (multiple) this.withMultiMatch = true;
    const mmAlias = `${this.mmAlias}_${prop}`;
    this.mm.joins.push({ table: q(back.name), alias: mmAlias, on: onFor(mmAlias, this.mmAlias) });
    this.activeCollection = back;
    this.activeAlias = alias;
    this.mmAlias = mmAlias;
  }

  private jsonPath(field: Field, rest: string[]): ResolvedOperand {
    let path = '';
    for (const p of rest) {
      const { name } = splitModifier(p);
      if (/^\d+$/.test(name)) path += `[${name}]`;
      else if (/^\w+$/.test(name)) path += `.${name}`;
      else throw new FilterError(`invalid json path segment "${p}"`);
    }
    const sql = jsonExtract(`${q(this.activeAlias)}.${q(field.name)}`, path);
    if (this.withMultiMatch) this.mm.value = jsonExtract(`${q(this.mmAlias)}.${q(field.name)}`, path);
    return this.result(sql, [], { noCoalesce: true });
  }

  private lastProp(collection: Collection, prop: string): ResolvedOperand {
    const { name, modifier } = splitModifier(prop);
    const field = findField(collection, name);
    if (!field) {
      if (this.nullifyMissing) return { sql: 'NULL', params: [] };
      throw new FilterError(`unknown field "${name}"`);
    }
    if (field.hidden && !this.allowHidden) throw new FilterError(`non-filterable field "${name}"`);
    if (modifier === 'isset' || modifier === 'changed') throw new FilterError(`the :${modifier} modifier works only with @request.body fields`);
    const arrayable = field.type === 'select' || field.type === 'relation' || field.type === 'file';
    const col = `${q(this.activeAlias)}.${q(field.name)}`;
    const mmCol = `${q(this.mmAlias)}.${q(field.name)}`;
    if (modifier === 'length' && arrayable) {
      if (this.withMultiMatch) this.mm.value = jsonArrayLength(mmCol);
      return this.result(jsonArrayLength(col));
    }
    if (modifier === 'each' && arrayable) {
      const je = `${this.activeAlias}_${field.name}_je`;
      this.registerJoin(jsonEach(col), je);
      if (isMultiValued(field)) this.withMultiMatch = true;
      if (this.withMultiMatch) {
        const je2 = `${this.mmAlias}_${field.name}_je`;
        this.mm.joins.push({ table: jsonEach(mmCol), alias: je2, on: undefined });
        this.mm.value = `${q(je2)}.${q('value')}`;
      }
      return this.result(`${q(je)}.${q('value')}`);
    }
    if (modifier && modifier !== 'lower') throw new FilterError(`modifier "${modifier}" is not supported for field "${name}"`);
    let sql = col;
    let noCoalesce = false;
    if (this.withMultiMatch) this.mm.value = mmCol;
    if (field.type === 'json') {
      noCoalesce = true;
      sql = jsonExtract(col, '');
      if (this.withMultiMatch) this.mm.value = jsonExtract(mmCol, '');
    }
    if (modifier === 'lower') {
      sql = `LOWER(${sql})`;
      if (this.withMultiMatch) this.mm.value = `LOWER(${this.mm.value})`;
    }
    const extra: Partial<ResolvedOperand> = { noCoalesce };
    if (field.name === 'email' && collection.type === 'auth' && !this.allowHidden) {
      const alias = this.activeAlias;
      extra.afterBuild = (expr) => ({ sql: `(${expr.sql} AND ${q(alias)}.${q('emailVisibility')} = TRUE)`, params: expr.params });
    }
    return this.result(sql, [], extra);
  }
}

function toArray(v: unknown): unknown[] {
  if (v === undefined || v === null || v === '') return [];
  return Array.isArray(v) ? v : [v];
}

function stringOf(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

// A value of the authenticated record for @request.auth.<key> (secrets never exposed).
function authValue(info: RequestInfo, key: string | undefined): unknown {
  const a = info.auth;
  if (!a || key === undefined) return undefined;
  if (key === 'collectionId') return a.collection.id;
  if (key === 'collectionName') return a.collection.name;
  if (key === 'password' || key === 'tokenKey' || !(key in a.data)) return undefined;
  return a.data[key];
}
