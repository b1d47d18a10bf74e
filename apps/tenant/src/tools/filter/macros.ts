/** PocketBase's datetime identifier macros (`@now`, `@todayStart`, ...), computed from a given instant in UTC. */
import type { SqlValue } from './sql.js';

/** Formats an instant as PocketBase's DateTime string: `YYYY-MM-DD HH:MM:SS.sssZ` (UTC). */
export function formatDateTime(d: Date): string {
  return d.toISOString().replace('T', ' ');
}

function utc(y: number, m: number, day: number, h = 0, min = 0, s = 0, ms = 0): Date {
  return new Date(Date.UTC(y, m, day, h, min, s, ms));
}

type Macro = (now: Date) => SqlValue;

// Date macros bind as text; the numeric ones bind as INTEGER (bigint), like Go's int params.
const MACROS: Readonly<Record<string, Macro>> = {
  '@now': (n) => formatDateTime(n),
  '@yesterday': (n) => formatDateTime(shiftDays(n, -1)),
  '@tomorrow': (n) => formatDateTime(shiftDays(n, 1)),
  '@second': (n) => BigInt(n.getUTCSeconds()),
  '@minute': (n) => BigInt(n.getUTCMinutes()),
  '@hour': (n) => BigInt(n.getUTCHours()),
  '@day': (n) => BigInt(n.getUTCDate()),
  '@month': (n) => BigInt(n.getUTCMonth() + 1),
  '@weekday': (n) => BigInt(n.getUTCDay()),
  '@year': (n) => BigInt(n.getUTCFullYear()),
  '@todayStart': (n) => formatDateTime(utc(n.getUTCFullYear(), n.getUTCMonth(), n.getUTCDate())),
  '@todayEnd': (n) => formatDateTime(utc(n.getUTCFullYear(), n.getUTCMonth(), n.getUTCDate(), 23, 59, 59, 999)),
  '@monthStart': (n) => formatDateTime(utc(n.getUTCFullYear(), n.getUTCMonth(), 1)),
  // day 0 of the next month is the last day of this one
  '@monthEnd': (n) => formatDateTime(utc(n.getUTCFullYear(), n.getUTCMonth() + 1, 0, 23, 59, 59, 999)),
  '@yearStart': (n) => formatDateTime(utc(n.getUTCFullYear(), 0, 1)),
  '@yearEnd': (n) => formatDateTime(utc(n.getUTCFullYear(), 11, 31, 23, 59, 59, 999)),
};

function shiftDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * 86_400_000);
}

/** Names of all macros. */
export const MACRO_NAMES: readonly string[] = Object.keys(MACROS);

/** Whether an identifier is a macro (exact, case-sensitive match). */
export function isMacro(identifier: string): boolean {
  return Object.hasOwn(MACROS, identifier);
}

/** The value a macro binds as at instant `now`. */
export function macroValue(identifier: string, now: Date): SqlValue {
  const macro = MACROS[identifier];
  if (macro === undefined) throw new RangeError(`not a macro: ${identifier}`);
  return macro(now);
}
