/**
 * Cron expressions as PocketBase reads them: five space-separated segments (minute, hour,
 * day of month, month, day of week) of `*`, numbers, ranges `a-b`, steps `* /n` and `a-b/n`,
 * comma lists; or a macro (@yearly, @annually, @monthly, @weekly, @daily, @midnight,
 * @hourly). A time is due when every segment matches (UTC).
 */

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** A parsed schedule. */
export interface Schedule {
  /** The expression as given (macros expanded). */
  expression: string;
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
}

const INT = /^\d+$/;

function int(text: string, what: string): number {
  if (!INT.test(text)) throw new Error(`invalid ${what} "${text}"`);
  return Number(text);
}

function parseSegment(segment: string, min: number, max: number): Set<number> {
  const slots = new Set<number>();
  for (const part of segment.split(',')) {
    const stepParts = part.split('/');
    if (stepParts.length > 2) throw new Error('invalid segment step format - must be in the format */n or 1-30/n');
    const step = stepParts.length === 2 ? int(stepParts[1], 'step') : 1;
    if (step < 1 || step > max) throw new Error(`invalid segment step boundary - the step must be between 1 and the ${max}`);
    let from = min;
    let to = max;
    if (stepParts[0] !== '*') {
      const range = stepParts[0].split('-');
      if (range.length === 1) {
        if (step !== 1) throw new Error('invalid segment step - step > 1 could be used only with the wildcard or range format');
        from = to = int(range[0], 'value');
        if (from < min || from > max) throw new Error('invalid segment value - must be between the min and max of the segment');
      } else if (range.length === 2) {
        from = int(range[0], 'range minimum');
        to = int(range[1], 'range maximum');
        if (from < min || from > max) throw new Error(`invalid segment range minimum - must be between ${min} and ${max}`);
        if (to < min || to > max) throw new Error(`invalid segment range maximum - must be between ${min} and ${max}`);
        if (from > to) throw new Error('invalid segment range - the minimum must be less than or equal to the maximum');
      } else {
        throw new Error('invalid segment range format - the range must have 1 or 2 parts');
      }
    }
    for (let i = from; i <= to; i += step) slots.add(i);
  }
  return slots;
}

/** Parses an expression; throws an Error with a readable message when it is invalid. */
export function parseSchedule(raw: string): Schedule {
  const expression = MACROS[raw] ?? raw;
  const segments = expression.split(' ');
  if (segments.length !== 5) throw new Error('invalid cron expression - must be a valid macro or to have exactly 5 space separated segments');
  return {
    expression,
    minutes: parseSegment(segments[0], 0, 59),
    hours: parseSegment(segments[1], 0, 23),
    days: parseSegment(segments[2], 1, 31),
    months: parseSegment(segments[3], 1, 12),
    daysOfWeek: parseSegment(segments[4], 0, 6),
  };
}

/** Whether the schedule is due in the minute of `at` (UTC). */
export function isDue(s: Schedule, at: Date): boolean {
  return s.minutes.has(at.getUTCMinutes()) && s.hours.has(at.getUTCHours()) && s.days.has(at.getUTCDate())
    && s.months.has(at.getUTCMonth() + 1) && s.daysOfWeek.has(at.getUTCDay());
}
