/**
 * The tenant's logs, kept in auxiliary.db (never data.db, which may be replicated):
 * entries are buffered and written in one transaction every 3 s or every 200 entries, so
 * logging a request never waits for the disk. `logs.maxDays = 0` turns logging off and
 * `logs.minLevel` drops lower levels (debug -4, info 0, warn 4, error 8).
 */
import { randomString, ALPHANUMERIC_LOWER } from '../tools/security/random.js';
import { formatDate } from '../tools/types/datetime.js';
import type { SqliteConnection } from './store.js';

/** slog levels, as PocketBase stores them. */
export const LogLevel = { debug: -4, info: 0, warn: 4, error: 8 } as const;

/** How logging is configured (the settings' `logs` section). */
export interface LogSettings {
  maxDays: number;
  minLevel: number;
}

interface Entry {
  id: string;
  level: number;
  message: string;
  data: string;
  created: string;
}

const FLUSH_EVERY_MS = 3000;
const BATCH_SIZE = 200;

/** The log writer of one tenant. */
export class Logs {
  private buffer: Entry[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly aux: SqliteConnection,
    private readonly settings: () => LogSettings,
    private readonly now: () => Date,
  ) {}

  /** Queues an entry (dropped when logging is off or below the minimum level). */
  add(level: number, message: string, data: Record<string, unknown> = {}): void {
    const s = this.settings();
    if (s.maxDays <= 0 || level < s.minLevel) return;
    this.buffer.push({ id: randomString(15, ALPHANUMERIC_LOWER), level, message, data: JSON.stringify(data), created: formatDate(this.now()) });
    if (this.buffer.length >= BATCH_SIZE) this.flushQuietly();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flushQuietly(), FLUSH_EVERY_MS);
      this.timer.unref();
    }
  }

  // From the timer or a request: a failed log write (full disk, closed database) is reported
  // on stderr and the entries dropped; logging never takes the tenant down.
  private flushQuietly(): void {
    try {
      this.flush();
    } catch (err) {
      process.stderr.write(`[tenant] failed to write log entries: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }

  /** Writes everything buffered now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.aux.write(() => {
      for (const e of batch) {
        this.aux.run('INSERT INTO `_logs` (`id`, `level`, `message`, `data`, `created`) VALUES (?, ?, ?, ?, ?)', [e.id, e.level, e.message, e.data, e.created]);
      }
    });
  }

  /**
   * Runs `fn`; a throw is logged as a warning ("Failed to <what>") instead of propagating.
   * For clean-up after a commit, which must never turn a committed write into an error.
   */
  warnOnFailure(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.add(LogLevel.warn, `Failed to ${what}`, { error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Deletes entries created at or before `before`; returns how many went. */
  deleteOlderThan(before: Date): number {
    this.flush();
    return this.aux.run('DELETE FROM `_logs` WHERE `created` <= ?', [formatDate(before)]).changes;
  }

  /** The retention job: removes entries older than `maxDays`. */
  cleanup(): void {
    const days = this.settings().maxDays;
    this.deleteOlderThan(new Date(this.now().getTime() - days * 86_400_000));
  }
}
