/** Small helpers shared by the scenario files. */
import type { CollectionField, CollectionModel, ListResult } from 'pocketbase';

/**
 * A collection with its `fields` array turned into an object keyed by field name, so a
 * shape diff points at `fields.title.max` rather than at a merged "any field" shape.
 */
export function collectionView(c: CollectionModel): Record<string, unknown> {
  return { ...c, fields: Object.fromEntries(c.fields.map((f) => [f.name, f])) };
}

/** `name:type` of every field, in order: compared exactly. */
export function fieldList(c: { fields: CollectionField[] }): string[] {
  return c.fields.map((f) => `${f.name}:${f.type}`);
}

/** A list result with each item passed through `view`. */
export function listView<T>(res: ListResult<T>, view: (item: T) => unknown): Record<string, unknown> {
  return { ...res, items: res.items.map(view) };
}

/** The paging numbers of a list result: compared exactly. */
export function paging(res: ListResult<unknown>): Record<string, number> {
  return {
    page: res.page,
    perPage: res.perPage,
    totalItems: res.totalItems,
    totalPages: res.totalPages,
    count: res.items.length,
  };
}
