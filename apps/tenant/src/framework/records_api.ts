/**
 * Records from code, with the app's privileges (no API rules), as PocketBase's app/DAO:
 * find, list with the filter language, create/update/delete through the same pipeline as the
 * API (validation, hooks, files kept), all in a transaction when wanted, and expand.
 */
import type { TenantApp } from '../core/app.js';
import { SUPERUSERS_ID, type Collection } from '../core/collection_model.js';
import { expandRecords } from '../core/record_expand.js';
import { findRecordById } from '../core/record_find.js';
import type { RecordModel } from '../core/record_model.js';
import { listRecords, type ListResult } from '../core/record_query.js';
import type { RequestInfo } from '../core/request_info.js';
import { applyInput, createRecord, deleteRecord, newRecord, updateRecord } from '../core/record_save.js';
import { notFound, ValidationError } from '../tools/router/api_error.js';

/** Options of list(). */
export interface ListOptions {
  filter?: string;
  sort?: string;
  page?: number;
  perPage?: number;
  expand?: string;
}

/** The records API of one app. */
export class RecordsApi {
  constructor(private readonly app: TenantApp) {}

  /** A record by id, or undefined. */
  find(collection: string, id: string): RecordModel | undefined {
    return findRecordById(this.app, this.collection(collection), id);
  }

  /** A page of records matching `filter` (PocketBase's filter language), in `sort` order. */
  list(collection: string, opts: ListOptions = {}): ListResult {
    const c = this.collection(collection);
    const result = listRecords(this.app, c, {
      filter: opts.filter, sort: opts.sort, page: opts.page === undefined ? undefined : String(opts.page),
      perPage: opts.perPage === undefined ? undefined : String(opts.perPage),
    }, this.info());
    if (opts.expand) this.expand(result.items, opts.expand);
    return result;
  }

  /** The first record matching `filter`, or undefined. */
  findFirst(collection: string, filter: string, sort?: string): RecordModel | undefined {
    return this.list(collection, { filter, sort, perPage: 1 }).items[0];
  }

  /** Creates a record from values (as the API would, with a superuser's rights); throws ValidationError on bad ones. */
  create(collection: string, values: Record<string, unknown>): RecordModel {
    const record = newRecord(this.collection(collection));
    return this.app.write(() => createRecord(this.app, record, this.apply(record, values)));
  }

  /** Updates a record with values (applied to its stored version: a stale copy is never written back). */
  update(record: RecordModel, values: Record<string, unknown>): RecordModel {
    return this.app.write(() => {
      const stored = findRecordById(this.app, record.collection, record.id);
      if (!stored) throw notFound(`The record ${record.id} does not exist.`);
      return updateRecord(this.app, stored, this.apply(stored, values));
    });
  }

  /** Deletes a record (its files and cascades as the API does); a record already gone is a no-op. */
  delete(record: RecordModel): void {
    this.app.write(() => {
      const stored = findRecordById(this.app, record.collection, record.id);
      if (stored) deleteRecord(this.app, stored);
    });
  }

  /** Runs `fn` in one transaction: everything it saves is kept, or nothing if it throws. */
  transaction<T>(fn: () => T): T {
    return this.app.write(fn);
  }

  /** Expands relations of the records in place (`record.expand`), e.g. `author,tags.owner`. */
  expand(records: RecordModel[], expand: string): void {
    expandRecords(this.app, records, expand, this.info(), () => undefined);
  }

  private collection(nameOrId: string): Collection {
    const c = this.app.collections.find(nameOrId);
    if (!c) throw notFound(`Missing collection "${nameOrId}".`);
    return c;
  }

  private apply(record: RecordModel, values: Record<string, unknown>) {
    const errors = applyInput(record, values, { privileged: true, superuser: true });
    if (Object.keys(errors).length > 0) throw new ValidationError(errors);
    return errors;
  }

  /** The app acting as itself: rules do not apply (a superuser's view). */
  private info(): RequestInfo {
    const superusers = this.app.collections.findById(SUPERUSERS_ID);
    return { context: 'default', method: 'GET', headers: {}, query: {}, body: {}, auth: superusers ? newRecord(superusers) : undefined };
  }
}
