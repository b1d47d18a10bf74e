/**
 * Reading a replica: the span of time it can restore, and restoring the database as it was at
 * a moment. Litestream keeps a replica as generations (a new one whenever the database's WAL
 * lineage breaks: first start, a restore, a lost position), each a snapshot plus WAL segments,
 * and reports their bounds to the second. A moment is served by the newest generation covering
 * it; a moment in a gap between generations or after the last one means "nothing changed
 * since", so the earlier generation is restored whole. Precision: one sync interval (1 s).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runLitestream } from './binary.js';
import { renderConfig, type ReplicaTarget } from './config.js';

/** One generation of a replica. */
export interface Generation {
  id: string;
  /** Its first snapshot or segment, floored to the second. */
  start: Date;
  /** Its last segment, floored to the second. */
  end: Date;
}

/** The span a replica can restore. */
export interface RestoreWindow {
  /** Oldest restorable moment; undefined when the replica holds nothing yet. */
  earliest?: Date;
  /** Newest replicated moment (to the second). */
  latest?: Date;
  generations: Generation[];
}

/** Why a point-in-time restore is impossible (a moment out of range, an empty replica). */
export class PointInTimeError extends Error {
  constructor(
    readonly code: 'empty' | 'too_early',
    message: string,
  ) {
    super(message);
    this.name = 'PointInTimeError';
  }
}

/** Runs `fn` with a query config for `target` (a placeholder database path, never opened). */
async function withQueryConfig<T>(target: ReplicaTarget, workDir: string, fn: (configPath: string, dbPath: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(workDir, 'litestream-'));
  try {
    const dbPath = join(dir, 'data.db');
    // `generations` stats the database to report lag: an empty stand-in satisfies it.
    await writeFile(dbPath, '');
    const configPath = join(dir, 'litestream.yml');
    await writeFile(configPath, renderConfig({ dbPath, metaPath: join(dir, 'meta'), target }), { mode: 0o600 });
    return await fn(configPath, dbPath);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The generations of the replica at `target` and the span they cover. A replica that cannot be
 * read (wrong credentials, a missing bucket, an unreachable store) is an error, not an empty one.
 */
export async function restoreWindow(bin: string, target: ReplicaTarget, workDir: string, signal?: AbortSignal): Promise<RestoreWindow> {
  const out = await withQueryConfig(target, workDir, (config, db) => runLitestream(bin, ['generations', '-config', config, '-no-expand-env', db], { signal, timeoutMs: 60_000, failOnErrorLog: true }));
  const generations = parseGenerations(out);
  if (generations.length === 0) return { generations };
  const earliest = new Date(Math.min(...generations.map((g) => g.start.getTime())));
  const latest = new Date(Math.max(...generations.map((g) => g.end.getTime())));
  return { earliest, latest, generations };
}

/** Parses the table printed by `litestream generations` (name generation lag start end). */
export function parseGenerations(text: string): Generation[] {
  const rows: Generation[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5) continue;
    const [, id, , start, end] = cols;
    const s = new Date(start ?? '');
    const e = new Date(end ?? '');
    if (!id || Number.isNaN(s.getTime()) || Number.isNaN(e.getTime())) continue;
    rows.push({ id, start: s, end: e });
  }
  return rows;
}

/** Which generation serves `at`, and whether it is restored up to `at` or whole. */
export function chooseGeneration(generations: Generation[], at: Date): { generation: Generation; until?: Date } {
  if (generations.length === 0) throw new PointInTimeError('empty', 'continuous backup holds nothing yet');
  const t = at.getTime();
  // Bounds are floored to the second: a generation's true end is before end + 1 s.
  const covering = generations.filter((g) => g.start.getTime() <= t && t < g.end.getTime() + 1000);
  if (covering.length > 0) {
    const generation = covering.reduce((a, b) => (b.end > a.end ? b : a));
    return { generation, until: at };
  }
  const before = generations.filter((g) => g.end.getTime() + 1000 <= t);
  if (before.length === 0) {
    const earliest = new Date(Math.min(...generations.map((g) => g.start.getTime())));
    throw new PointInTimeError('too_early', `the earliest restorable moment is ${earliest.toISOString()}`);
  }
  return { generation: before.reduce((a, b) => (b.end > a.end ? b : a)) };
}

/**
 * Writes the database as it was at `at` to `out` (which must not exist). The result is a
 * plain SQLite file (rollback journal); the caller checks and installs it.
 */
export async function restoreAt(bin: string, target: ReplicaTarget, at: Date, out: string, workDir: string, signal?: AbortSignal): Promise<{ generation: string; until?: Date }> {
  const { generations } = await restoreWindow(bin, target, workDir, signal);
  const { generation, until } = chooseGeneration(generations, at);
  await withQueryConfig(target, workDir, async (config, db) => {
    const base = ['restore', '-config', config, '-no-expand-env', '-o', out, '-generation', generation.id];
    try {
      await runLitestream(bin, [...base, ...(until ? ['-timestamp', until.toISOString()] : []), db], { signal });
    } catch (err) {
      // Within the floored bounds but outside the true ones: before the generation's first
      // snapshot (restore its start) or after its last segment (restore it whole).
      if (!until || !/no matching backups/.test(String(err))) throw err;
      const firstSecond = new Date(generation.start.getTime() + 999);
      const whole = until.getTime() >= generation.end.getTime();
      await rm(`${out}.tmp`, { force: true });
      await runLitestream(bin, [...base, ...(whole ? [] : ['-timestamp', firstSecond.toISOString()]), db], { signal });
    }
  });
  return { generation: generation.id, until };
}
