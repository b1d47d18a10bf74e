/** A record of a collection: values by field name, plus what the API needs to show it. */
import type { Collection, Field } from './collection_model.js';
import { valueFromDb, valueToJSON } from './record_values.js';
import type { Row } from './store.js';

/** A record in memory. */
export class RecordModel {
  readonly collection: Collection;
  /** Values by field name, in their in-memory form. */
  readonly data: Record<string, unknown>;
  /** Values as loaded (undefined for a new record). */
  readonly original: Record<string, unknown> | undefined;
  /** Expanded relations, set by the expand step. */
  expand: Record<string, unknown> = {};
  /** Set when the request asked for expand: `expand` is then always serialised, `{}` when empty. */
  expandRequested = false;
  /** Extra keys shown in JSON (e.g. custom data a hook adds). */
  readonly customData: Record<string, unknown> = {};
  /** Fields hidden or unhidden for this serialisation (by name). */
  readonly visibility = new Map<string, boolean>();

  constructor(collection: Collection, data: Record<string, unknown>, original?: Record<string, unknown>) {
    this.collection = collection;
    this.data = data;
    this.original = original;
  }

  /** A record from a table row. */
  static fromRow(collection: Collection, row: Row): RecordModel {
    const data: Record<string, unknown> = {};
    for (const f of collection.fields) data[f.name] = valueFromDb(f, row[f.name]);
    return new RecordModel(collection, data, { ...data });
  }

  /** True before the record was first saved. */
  get isNew(): boolean {
    return this.original === undefined;
  }

  /** The record id. */
  get id(): string {
    return String(this.data.id ?? '');
  }

  /** A value by field name. */
  get(name: string): unknown {
    return this.data[name];
  }

  /** Sets a value by field name. */
  set(name: string, value: unknown): void {
    this.data[name] = value;
  }

  /** A string value ('' when unset). */
  getString(name: string): string {
    const v = this.data[name];
    return typeof v === 'string' ? v : v == null ? '' : String(v);
  }

  /** Sets whether a field is shown regardless of its `hidden` option. */
  setVisible(name: string, visible: boolean): void {
    this.visibility.set(name, visible);
  }

  private isShown(f: Field): boolean {
    const override = this.visibility.get(f.name);
    if (override !== undefined) return override;
    return !f.hidden;
  }

  /**
   * The public JSON: keys sorted as PocketBase's encoder emits them, hidden fields (password,
   * tokenKey...) left out unless made visible, `expand` only when something was expanded.
   */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      collectionId: this.collection.id,
      collectionName: this.collection.name,
    };
    for (const f of this.collection.fields) {
      if (f.type === 'password' || !this.isShown(f)) continue;
      out[f.name] = valueToJSON(f, this.data[f.name]);
    }
    Object.assign(out, this.customData);
    if (this.expandRequested || Object.keys(this.expand).length > 0) out.expand = this.expand;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(out).sort()) sorted[k] = out[k];
    return sorted;
  }
}
