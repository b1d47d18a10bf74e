/** A small expiring, size-bounded map (no timers: entries expire when read). */

/** Options of a TtlCache. */
export interface TtlCacheOptions {
  /** How long an entry is served after it was set (ms). */
  ttlMs: number;
  /** Most entries kept; the oldest set is dropped first. */
  maxEntries: number;
  /** Time source in ms (default `Date.now`). */
  now?: () => number;
}

/** Values by key for `ttlMs`, at most `maxEntries` of them. */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();
  private readonly now: () => number;

  /** Empty until `set`. */
  constructor(private readonly opts: TtlCacheOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The entry for `key` if it has not expired. */
  get(key: K): { value: V } | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    return { value: entry.value };
  }

  /** Stores `value` for `key`, dropping the oldest entries beyond `maxEntries`. */
  set(key: K, value: V): void {
    if (this.opts.ttlMs <= 0 || this.opts.maxEntries <= 0) return;
    this.entries.delete(key); // re-inserted last, so eviction order stays insertion order
    this.entries.set(key, { value, expiresAt: this.now() + this.opts.ttlMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.opts.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  /** Drops the entry for `key`. */
  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Drops every entry `match` accepts. */
  deleteWhere(match: (value: V, key: K) => boolean): void {
    for (const [key, entry] of this.entries) if (match(entry.value, key)) this.entries.delete(key);
  }

  /** Number of entries held (expired ones included until read). */
  get size(): number {
    return this.entries.size;
  }
}
