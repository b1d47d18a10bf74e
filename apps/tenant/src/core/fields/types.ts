/** The contract every field type handler implements, and the contexts callers provide. */
import type { CollectionType, Field, FieldType } from '../collection_model.js';
import type { FieldError, FieldFormatError, OptionErrors } from './errors.js';

/** What a bound parameter of better-sqlite3 may be. */
export type DbValue = string | number | bigint | null;

/** A value as it appears in API JSON. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The minimum the handlers need to know about another collection. */
export interface CollectionRef {
  id: string;
  name: string;
  type: CollectionType;
}

/** Looks a collection up by id or name, like PocketBase's FindCachedCollectionByNameOrId. */
export type CollectionLookup = (idOrName: string) => CollectionRef | undefined;

/** Context for validateOptions: the collection being saved and its stored predecessor. */
export interface OptionsContext {
  /** The collection as submitted (its id, type and the full new field list). */
  collection: { id: string; type: CollectionType; fields: readonly Field[] };
  /** The field with the same id in the stored collection (only when the collection already exists). */
  old?: Field;
  findCollection: CollectionLookup;
}

/** Context for validateValue of one record field. */
export interface ValueContext<V> {
  /** True while the record has never been saved. */
  isNew: boolean;
  /** The field's value as last persisted (for file, password and primary key checks). */
  original?: V;
  /** Used by relation fields to tell a missing target collection apart; omitted = assume it exists. */
  findCollection?: CollectionLookup;
  /**
   * Which of `ids` exist in the given collection (exact, case-sensitive match), read
   * synchronously in the caller's transaction.
   */
  existingRelIds(collectionId: string, ids: readonly string[]): Set<string>;
  /**
   * For a new record with a custom id pattern: whether a record with this id already
   * exists, compared case-insensitively. Omitted = no such record.
   */
  idExistsNoCase?(id: string): boolean;
  /** The clock (injectable for tests). */
  now(): Date;
}

/** A field modifier key suffix/prefix: `field+` append, `+field` prepend, `field-` subtract, `field:autogenerate`. */
export type FieldModifier = 'append' | 'prepend' | 'subtract' | 'autogenerate';

/** The outcome of normalizeOptions. */
export type NormalizeResult<F> = { ok: true; field: F } | { ok: false; error: FieldFormatError };

/** The per-type behaviour of a field; F is its options type, V its in-memory value. */
export interface FieldHandler<F extends Field, V> {
  readonly type: F['type'];
  /** False when PocketBase ignores API input for the field (autodate): the record layer must not call prepare for a body key. */
  readonly settable: boolean;
  /** A complete field with PocketBase's zero defaults; the id defaults to type + crc32(name). */
  defaults(name: string, id?: string): F;
  /** API JSON -> typed field, lenient like Go's json.Unmarshal (unknown keys dropped, null = default). */
  normalizeOptions(raw: unknown): NormalizeResult<F>;
  /** PocketBase's settings validation; empty object = valid. */
  validateOptions(field: F, ctx: OptionsContext): OptionErrors;
  /** The SQLite column definition PocketBase creates. */
  columnDefinition(field: F): string;
  /** The value of a record that never set this field. */
  zeroValue(field: F): V;
  /** A stored SQLite value -> in-memory value (tolerating bad data). */
  fromDb(field: F, raw: unknown): V;
  /** API input -> in-memory value with PocketBase's casting rules. */
  prepare(field: F, input: unknown): V;
  /** Applies a modifier key; undefined when the type does not support it (PocketBase ignores such keys). */
  modify(field: F, current: V, modifier: FieldModifier, input: unknown): V | undefined;
  /** Record-level validation; null = valid. */
  validateValue(field: F, value: V, ctx: ValueContext<V>): FieldError | null;
  /** In-memory value -> better-sqlite3 bind value. */
  toDb(field: F, value: V): DbValue;
  /** In-memory value -> API JSON. */
  toJSON(field: F, value: V): JsonValue;
}

/** Narrows the Field union by its type tag. */
export type FieldOf<T extends FieldType> = Extract<Field, { type: T }>;
