/**
 * Tenant boot time of two builds side by side (e.g. before and after a change): spawn ->
 * /api/health 200, a first boot on an empty dir and warm reboots, the builds interleaved round
 * by round so drift of the machine hits both alike.
 *
 *   node --import tsx bench/control/startup_compare.ts --before <burrow-tenant.mjs> --after <burrow-tenant.mjs> [--rounds 5]
 */
import { parseArgs } from 'node:util';
import { measureTenantStartup } from './tenant_startup.js';

const { values } = parseArgs({ options: { before: { type: 'string' }, after: { type: 'string' }, rounds: { type: 'string', default: '5' } } });
if (!values.before || !values.after) throw new Error('usage: startup_compare.ts --before BIN --after BIN [--rounds N]');
const rounds = Number(values.rounds);
const first: Record<'before' | 'after', number[]> = { before: [], after: [] };
const warm: Record<'before' | 'after', number[]> = { before: [], after: [] };
for (let i = 0; i < rounds; i++) {
  for (const which of ['before', 'after'] as const) {
    const r = await measureTenantStartup(3, 0, values[which]);
    first[which].push(r.firstBootMs);
    warm[which].push(...r.warmBootMs);
  }
  process.stdout.write(`round ${i + 1}/${rounds}\n`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
process.stdout.write(`\n| boot to /api/health 200, median ms | before | after |\n|---|---:|---:|\n`);
process.stdout.write(`| first boot (empty dir), ${rounds} each | ${median(first.before).toFixed(0)} | ${median(first.after).toFixed(0)} |\n`);
process.stdout.write(`| warm reboot, ${warm.before.length} each | ${median(warm.before).toFixed(0)} | ${median(warm.after).toFixed(0)} |\n`);
