/** PocketBase's date string format: "2006-01-02 15:04:05.000Z", always UTC; the zero date is "". */

/** Formats a Date the way PocketBase serialises dates. */
export function formatDate(d: Date): string {
  return d.toISOString().replace('T', ' ');
}

/** The current time as a PocketBase date string. */
export function nowString(): string {
  return formatDate(new Date());
}

const DATE_LIKE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses the date inputs PocketBase accepts (its own format, RFC 3339, date only, unix
 * seconds as a number) into a Date, or undefined when it is not a date.
 */
export function parseDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000);
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  const m = DATE_LIKE.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', zone] = m;
  const ms = frac ? Number((frac + '00').slice(0, 3)) : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms);
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  const date = new Date(t);
  if (Number.isNaN(date.getTime())) return undefined;
  // Reject overflowing components such as month 13 that Date.UTC silently rolls over.
  if (date.getUTCFullYear() !== Number(y) && !zone) return undefined;
  return date;
}
