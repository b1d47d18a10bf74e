/**
 * A readable description of a backup schedule's cron expression (UTC), for the common
 * shapes: macros, every N minutes, hourly at a minute, daily/weekly/monthly at a time.
 * Anything else is described as a custom schedule with the expression itself.
 */

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};
const NUM = /^\d{1,2}$/;
const pad = (n: string) => n.padStart(2, '0');

/** "Every day at 03:00 UTC", "Every 15 minutes", ...; undefined for an empty expression. */
export function describeCron(raw: string): string | undefined {
  const expr = (MACROS[raw.trim()] ?? raw.trim()).replace(/\s+/g, ' ');
  if (!expr) return undefined;
  const f = expr.split(' ');
  if (f.length !== 5) return `Custom schedule (UTC): ${raw.trim()}`;
  const [min, hour, dom, mon, dow] = f;
  const step = /^\*\/(\d{1,2})$/.exec(min);
  if (step && hour === '*' && dom === '*' && mon === '*' && dow === '*') return `Every ${step[1]} minutes`;
  if (NUM.test(min) && hour === '*' && dom === '*' && mon === '*' && dow === '*') return `Every hour at :${pad(min)}`;
  if (NUM.test(min) && NUM.test(hour)) {
    const at = `${pad(hour)}:${pad(min)} UTC`;
    if (dom === '*' && mon === '*' && dow === '*') return `Every day at ${at}`;
    if (dom === '*' && mon === '*' && /^[0-6]$/.test(dow)) return `Every ${DAYS[Number(dow)]} at ${at}`;
    if (NUM.test(dom) && mon === '*' && dow === '*') return `On day ${Number(dom)} of every month at ${at}`;
  }
  return `Custom schedule (UTC): ${raw.trim()}`;
}
