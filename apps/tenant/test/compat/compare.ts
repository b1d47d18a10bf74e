/**
 * Compares the step records of a reference run (PocketBase) with a candidate run
 * (Burrow) and renders the differences as readable lines.
 */
import { isDeepStrictEqual } from 'node:util';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepRecord } from './scenario.js';
import { diffShapes } from './shape.js';

/** Labels used in messages, e.g. `{ left: 'pocketbase', right: 'burrow' }`. */
export interface Sides {
  left: string;
  right: string;
}

/** Unique key of a step across scenarios. */
export function stepKey(r: Pick<StepRecord, 'scenario' | 'step'>): string {
  return `${r.scenario} / ${r.step}`;
}

/** Lines describing how one step differs between the two runs; empty when equal. */
export function compareStep(left: StepRecord, right: StepRecord | undefined, sides: Sides): string[] {
  const l = sides.left;
  const r = sides.right;
  if (!right) return [`step missing from ${r}'s run`];
  const out: string[] = [];
  const outcome = (x: StepRecord) => (x.outcome === 'error' ? `error ${x.status}` : x.outcome);
  if (outcome(left) !== outcome(right)) {
    out.push(`outcome: ${l}=${outcome(left)} ${r}=${outcome(right)}`);
    if (right.message) out.push(`  ${r} said: ${firstLine(right.message)}`);
    if (left.message) out.push(`  ${l} said: ${firstLine(left.message)}`);
  }
  if (!isDeepStrictEqual(left.requests, right.requests)) {
    out.push(`requests: ${l}=[${left.requests.join(', ')}] ${r}=[${right.requests.join(', ')}]`);
  }
  const labels = [...new Set([...Object.keys(left.exact), ...Object.keys(right.exact)])].sort();
  for (const label of labels) {
    const a = left.exact[label];
    const b = right.exact[label];
    if (!isDeepStrictEqual(a, b)) {
      out.push(`exact ${label}: ${l}=${show(a)} ${r}=${show(b)}`);
    }
  }
  // Shapes only mean something when both sides answered the same way.
  if (left.outcome === right.outcome && left.outcome !== 'exception') {
    for (const d of diffShapes(left.shape, right.shape)) {
      out.push(`shape ${d.path}: ${l}=${d.left} ${r}=${d.right}`);
    }
  }
  return out;
}

/** Checks that the reference run answered as each step declares; lines for each mismatch. */
export function checkExpectations(records: StepRecord[]): string[] {
  const out: string[] = [];
  for (const rec of records) {
    const got = rec.outcome === 'ok' ? 'ok' : rec.outcome === 'error' ? rec.status : 'exception';
    if (got !== rec.expect) {
      const said = rec.message ? ` (${firstLine(rec.message)})` : '';
      out.push(`[${stepKey(rec)}] expected ${rec.expect}, reference answered ${got}${said}`);
    }
  }
  return out;
}

/** Writes each run's records as pretty JSON into a new temp dir and returns the dir. */
export async function dumpRuns(runs: Record<string, { url: string; records: StepRecord[] }>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'burrow-compat-'));
  for (const [name, run] of Object.entries(runs)) {
    await writeFile(join(dir, `${name}.json`), JSON.stringify(run, null, 2) + '\n');
  }
  return dir;
}

function show(v: unknown): string {
  const text = v === undefined ? '<missing>' : JSON.stringify(v);
  return text.length > 300 ? text.slice(0, 297) + '...' : text;
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
