/**
 * Date input parsing as PocketBase's types.DateTime does it: its own layout first, then
 * spf13/cast's list of Go layouts (interpreted with Go's time.Parse rules). Anything else
 * is the zero date, which PocketBase serialises as "".
 */
import { formatDate } from '../../tools/types/datetime.js';

// PocketBase's layout first, then cast's TimeFormats in cast's order.
// `zone` says how cast treats the result: 'none'/'named' => wall clock taken as UTC.
const LAYOUTS: Array<{ layout: string; zone: 'none' | 'named' | 'numeric' | 'timeOnly' }> = [
  { layout: '2006-01-02 15:04:05.000Z', zone: 'none' },
  { layout: '2006-01-02', zone: 'none' },
  { layout: '2006-01-02T15:04:05Z07:00', zone: 'numeric' },
  { layout: '2006-01-02T15:04:05', zone: 'none' },
  { layout: 'Mon, 02 Jan 2006 15:04:05 -0700', zone: 'numeric' },
  { layout: 'Mon, 02 Jan 2006 15:04:05 MST', zone: 'named' },
  { layout: '02 Jan 06 15:04 -0700', zone: 'numeric' },
  { layout: '02 Jan 06 15:04 MST', zone: 'named' },
  { layout: 'Monday, 02-Jan-06 15:04:05 MST', zone: 'named' },
  { layout: '2006-01-02 15:04:05.999999999 -0700 MST', zone: 'numeric' },
  { layout: '2006-01-02T15:04:05-0700', zone: 'numeric' },
  { layout: '2006-01-02 15:04:05Z0700', zone: 'numeric' },
  { layout: '2006-01-02 15:04:05', zone: 'none' },
  { layout: 'Mon Jan _2 15:04:05 2006', zone: 'none' },
  { layout: 'Mon Jan _2 15:04:05 MST 2006', zone: 'named' },
  { layout: 'Mon Jan 02 15:04:05 -0700 2006', zone: 'numeric' },
  { layout: '2006-01-02 15:04:05Z07:00', zone: 'numeric' },
  { layout: '02 Jan 2006', zone: 'none' },
  { layout: '2006-01-02 15:04:05 -07:00', zone: 'numeric' },
  { layout: '2006-01-02 15:04:05 -0700', zone: 'numeric' },
  { layout: '3:04PM', zone: 'timeOnly' },
  { layout: 'Jan _2 15:04:05', zone: 'timeOnly' },
  { layout: 'Jan _2 15:04:05.000', zone: 'timeOnly' },
  { layout: 'Jan _2 15:04:05.000000', zone: 'timeOnly' },
  { layout: 'Jan _2 15:04:05.000000000', zone: 'timeOnly' },
];

// Layout tokens, longest first so that "2006" wins over "2" and "Monday" over "Mon".
const TOKENS = [
  'Z07:00', '-07:00', 'Z0700', '-0700', '.999999999', '.000000000', '.000000', '.000',
  'Monday', '2006', 'Mon', 'Jan', 'MST', '_2', '01', '02', '04', '05', '06', '15', 'PM', '3',
];

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

interface Parts {
  year: number; month: number; day: number; hour: number; minute: number; second: number;
  nanos: number; offsetSeconds: number | undefined; pm?: boolean; am?: boolean;
}

function tokenize(layout: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < layout.length) {
    const tok = TOKENS.find((t) => layout.startsWith(t, i));
    if (tok) {
      out.push(tok);
      i += tok.length;
    } else {
      out.push(layout[i]);
      i++;
    }
  }
  return out;
}

const TOKENIZED = LAYOUTS.map((l) => ({ ...l, tokens: tokenize(l.layout) }));

const isDigitAt = (s: string, i: number): boolean => i < s.length && s[i] >= '0' && s[i] <= '9';

/** Go's getnum: one or two digits (exactly two when fixed). */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigitAt(s, 0)) return undefined;
  if (!isDigitAt(s, 1)) return fixed ? undefined : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

/** Nanoseconds from the digits after the decimal point (extra digits are truncated). */
function parseFraction(digits: string): number {
  return Number((digits.slice(0, 9) + '000000000').slice(0, 9));
}

/** Go's time.Parse for one tokenized layout; undefined when the value does not fit. */
function parseWithLayout(tokens: string[], value: string): Parts | undefined {
  const p: Parts = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanos: 0, offsetSeconds: undefined };
  let v = value;
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t];
    let r: [number, string] | undefined;
    switch (tok) {
      case '2006':
        if (v.length < 4 || !/^\d{4}/.test(v)) return undefined;
        p.year = Number(v.slice(0, 4));
        v = v.slice(4);
        break;
      case '06':
        if (!/^\d\d/.test(v)) return undefined;
        p.year = Number(v.slice(0, 2));
        p.year += p.year >= 69 ? 1900 : 2000;
        v = v.slice(2);
        break;
      case '01':
        if (!(r = getnum(v, true))) return undefined;
        [p.month, v] = r;
        if (p.month < 1 || p.month > 12) return undefined;
        break;
      case 'Jan': {
        const idx = MONTHS.indexOf(v.slice(0, 3).toLowerCase());
        if (idx < 0) return undefined;
        p.month = idx + 1;
        v = v.slice(3);
        break;
      }
      case 'Mon': case 'Monday': {
        const day = DAYS.find((d) => (tok === 'Mon' ? v.slice(0, 3).toLowerCase() === d.slice(0, 3) : v.toLowerCase().startsWith(d)));
        if (!day) return undefined;
        v = v.slice(tok === 'Mon' ? 3 : day.length);
        break;
      }
      case '02': case '_2':
        if (tok === '_2' && v.startsWith(' ')) v = v.slice(1);
        if (!(r = getnum(v, tok === '02'))) return undefined;
        [p.day, v] = r;
        break;
      case '15': case '3':
        if (!(r = getnum(v, false))) return undefined;
        [p.hour, v] = r;
        if (p.hour > (tok === '15' ? 23 : 12)) return undefined;
        break;
      case '04':
        if (!(r = getnum(v, true))) return undefined;
        [p.minute, v] = r;
        if (p.minute > 59) return undefined;
        break;
      case '05': {
        if (!(r = getnum(v, true))) return undefined;
        [p.second, v] = r;
        if (p.second > 59) return undefined;
        // A fraction after the seconds is accepted even when the layout has none.
        const nextTok = tokens[t + 1] ?? '';
        if (v.length >= 2 && (v[0] === '.' || v[0] === ',') && isDigitAt(v, 1) && !nextTok.startsWith('.')) {
          let n = 1;
          while (isDigitAt(v, n)) n++;
          p.nanos = parseFraction(v.slice(1, n));
          v = v.slice(n);
        }
        break;
      }
      case '.000': case '.000000': case '.000000000': {
        const digits = tok.length - 1;
        if (v.length < tok.length || (v[0] !== '.' && v[0] !== ',') || !new RegExp(`^\\d{${digits}}`).test(v.slice(1))) return undefined;
        p.nanos = parseFraction(v.slice(1, tok.length));
        v = v.slice(tok.length);
        break;
      }
      case '.999999999': {
        if (v.length < 2 || (v[0] !== '.' && v[0] !== ',') || !isDigitAt(v, 1)) break;
        let n = 1;
        while (isDigitAt(v, n)) n++;
        p.nanos = parseFraction(v.slice(1, n));
        v = v.slice(n);
        break;
      }
      case 'PM':
        if (v.startsWith('PM')) p.pm = true;
        else if (v.startsWith('AM')) p.am = true;
        else return undefined;
        v = v.slice(2);
        break;
      case 'MST': {
        if (v.startsWith('UTC')) {
          p.offsetSeconds ??= 0;
          v = v.slice(3);
          break;
        }
        const m = /^(?:GMT[+-]\d{1,2}|[A-Z]{3,5}|ChST|MeST)/.exec(v);
        if (!m) return undefined;
        if (m[0].startsWith('GMT') && m[0].length > 3) p.offsetSeconds ??= Number(m[0].slice(3)) * 3600;
        v = v.slice(m[0].length);
        break;
      }
      case 'Z07:00': case 'Z0700': case '-07:00': case '-0700': {
        if (tok.startsWith('Z') && v.startsWith('Z')) {
          p.offsetSeconds = 0;
          v = v.slice(1);
          break;
        }
        const colon = tok.includes(':');
        const m = (colon ? /^([+-])(\d\d):(\d\d)/ : /^([+-])(\d\d)(\d\d)/).exec(v);
        if (!m) return undefined;
        const hh = Number(m[2]);
        const mm = Number(m[3]);
        if (hh > 24 || mm > 60) return undefined;
        p.offsetSeconds = (m[1] === '-' ? -1 : 1) * (hh * 3600 + mm * 60);
        v = v.slice(m[0].length);
        break;
      }
      case ' ':
        // A layout space matches one or more spaces.
        if (v.length > 0 && v[0] !== ' ') return undefined;
        v = v.replace(/^ +/, '');
        while (tokens[t + 1] === ' ') t++;
        break;
      default:
        if (!v.startsWith(tok)) return undefined;
        v = v.slice(tok.length);
    }
  }
  if (v.length > 0) return undefined;
  if (p.pm && p.hour < 12) p.hour += 12;
  if (p.am && p.hour === 12) p.hour = 0;
  if (p.day < 1 || p.day > daysIn(p.month, p.year)) return undefined;
  return p;
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Builds a UTC instant without Date.UTC's remapping of years 0-99. */
function utcDate(p: Parts, offsetSeconds: number): Date {
  const d = new Date(0);
  d.setUTCFullYear(p.year, p.month - 1, p.day);
  d.setUTCHours(p.hour, p.minute, p.second, Math.floor(p.nanos / 1e6));
  return new Date(d.getTime() - offsetSeconds * 1000);
}

// Go's zero time.Time (0001-01-01 00:00:00 UTC), which PocketBase treats as "no date".
const GO_ZERO_MS = (() => {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime();
})();

/** Parses a date string the way PocketBase's DateTime.Scan does; undefined = zero date. */
export function parseGoDateString(value: string): Date | undefined {
  if (value === '') return undefined;
  for (const { tokens, zone } of TOKENIZED) {
    const p = parseWithLayout(tokens, value);
    if (!p) continue;
    const offset = zone === 'numeric' || zone === 'timeOnly' ? (p.offsetSeconds ?? 0) : 0;
    const d = utcDate(p, offset);
    return d.getTime() === GO_ZERO_MS ? undefined : d;
  }
  return undefined;
}

/**
 * The date value PocketBase stores for arbitrary input: Dates as is, strings parsed,
 * everything else (numbers included: unix timestamps are not accepted) is the zero date.
 * Returns the PocketBase date string, "" for the zero date.
 */
export function toPbDateString(input: unknown): string {
  // Fast path for values already in PocketBase's canonical form (every stored date): a native
  // ISO parse and an exact round trip replace the general Go layout parser.
  if (typeof input === 'string' && isCanonicalDate(input)) return input;
  let d: Date | undefined;
  if (input instanceof Date) d = Number.isNaN(input.getTime()) ? undefined : input;
  else if (typeof input === 'string') d = parseGoDateString(input);
  else d = undefined;
  if (!d || d.getTime() === GO_ZERO_MS) return '';
  return formatDate(d);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** "2006-01-02 15:04:05.000Z" with four-digit years. */
const CANONICAL_DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/;

// True for a canonical date with in-range fields (the form every stored date has); the year 1
// zero date and anything else go through the full parser.
function isCanonicalDate(s: string): boolean {
  if (!CANONICAL_DATE.test(s) || s.startsWith('0001-01-01 00:00:00')) return false;
  const month = Number(s.slice(5, 7));
  const day = Number(s.slice(8, 10));
  const maxDay = new Date(Date.UTC(Number(s.slice(0, 4)), month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= maxDay && Number(s.slice(11, 13)) < 24 && Number(s.slice(14, 16)) < 60 && Number(s.slice(17, 19)) < 60;
}

/** A date for validation messages: prints like Go's time.Time (String / JSON forms). */
export class GoTime {
  constructor(readonly date: Date) {}

  /** Go's Time.String() for a UTC time: "2024-01-01 00:00:00.5 +0000 UTC". */
  goString(): string {
    const d = this.date;
    const ms = d.getUTCMilliseconds();
    const frac = ms === 0 ? '' : `.${pad(ms, 3).replace(/0+$/, '')}`;
    return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
      `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac} +0000 UTC`;
  }

  /** Go's time.Time JSON (RFC 3339 with trimmed nanoseconds). */
  toJSON(): string {
    const d = this.date;
    const ms = d.getUTCMilliseconds();
    const frac = ms === 0 ? '' : `.${pad(ms, 3).replace(/0+$/, '')}`;
    return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T` +
      `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac}Z`;
  }
}
