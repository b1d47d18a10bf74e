/**
 * Compatibility tier: the same SDK scenarios run against the real PocketBase and the
 * Burrow tenant; every step must answer with the same statuses, error codes, chosen
 * exact values and JSON shapes.
 *
 * COMPAT_SELF_CHECK=1 runs PocketBase against a second PocketBase instead of the tenant,
 * which checks that the scenarios themselves are deterministic. COMPAT_DUMP=1 writes both
 * recorded runs to a temp dir even when they match (they are always written on failure).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startPocketBase, startTenant, type ServerHandle } from '../support/processes.js';
import { checkExpectations, compareStep, dumpRuns, stepKey } from './compare.js';
import { runScenarios, type StepRecord } from './scenario.js';
import { SCENARIOS } from './scenarios/index.js';

/** When true the candidate is a second PocketBase, not the tenant. */
const SELF_CHECK = process.env.COMPAT_SELF_CHECK === '1';
/** When true both runs are written to a temp dir even if everything matches. */
const ALWAYS_DUMP = process.env.COMPAT_DUMP === '1';
const sides = { left: 'pocketbase', right: SELF_CHECK ? 'pocketbase-2' : 'burrow' };

/** Starts a server, runs every scenario on it, stops it (the machine has 2 cores: one at a time). */
async function record(start: () => Promise<ServerHandle>) {
  const server = await start();
  try {
    return { url: server.url, records: await runScenarios(server.url, SCENARIOS) };
  } finally {
    await server.stop();
  }
}

describe(`PocketBase compatibility: ${sides.left} vs ${sides.right}`, { timeout: 300_000 }, () => {
  let reference: { url: string; records: StepRecord[] };
  let candidate: { url: string; records: StepRecord[] };
  let candidateByKey = new Map<string, StepRecord>();
  let dumpDir: Promise<string> | undefined;

  /** Writes both runs once, on the first failure, and says where. */
  const dumpNote = async () => {
    dumpDir ??= dumpRuns({ [sides.left]: reference, [sides.right]: candidate });
    const dir = await dumpDir;
    return `recorded runs: ${dir}/${sides.left}.json and ${dir}/${sides.right}.json`;
  };

  before(async () => {
    reference = await record(() => startPocketBase());
    candidate = await record(() => (SELF_CHECK ? startPocketBase() : startTenant()));
    candidateByKey = new Map(candidate.records.map((r) => [stepKey(r), r]));
  });

  after(async () => {
    if (dumpDir || ALWAYS_DUMP) console.log(await dumpNote());
  });

  test('the reference answers as the scenarios declare', async () => {
    const problems = checkExpectations(reference.records);
    if (problems.length > 0) assert.fail(`${problems.join('\n')}\n${await dumpNote()}`);
  });

  for (const scenario of SCENARIOS) {
    test(scenario.name, async () => {
      const lines: string[] = [];
      for (const left of reference.records.filter((r) => r.scenario === scenario.name)) {
        const diffs = compareStep(left, candidateByKey.get(stepKey(left)), sides);
        if (diffs.length > 0) lines.push(`[${stepKey(left)}]`, ...diffs.map((d) => `    ${d}`));
      }
      if (lines.length > 0) assert.fail(`${lines.join('\n')}\n${await dumpNote()}`);
    });
  }
});
