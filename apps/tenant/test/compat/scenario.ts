/**
 * The compatibility scenario model and its runner: a scenario is a named list of steps,
 * each step one or a few SDK calls against a target server. Running records, per step,
 * the outcome, HTTP statuses, the result's JSON shape and a few exact values.
 */
import PocketBase, { ClientResponseError } from 'pocketbase';
import { DEFAULT_SUPERUSER } from '../support/processes.js';
import { shapeOf, type Shape } from './shape.js';

/** What the reference server must answer for a step: success, or this error status. */
export type Expectation = 'ok' | 400 | 401 | 403 | 404;

/** State and clients a step runs with; one per target. */
export interface StepContext {
  /** The target's base URL. */
  url: string;
  /** Client authenticated as the superuser (from the first scenario on). */
  su: PocketBase;
  /** Never authenticated. */
  guest: PocketBase;
  /** Authenticated as the `users` record alice (from the auth scenario on). */
  alice: PocketBase;
  /** Authenticated as the `users` record bob (from the auth scenario on). */
  bob: PocketBase;
  /** A new recorded, unauthenticated client. */
  client(): PocketBase;
  /** Remembers a value (usually an id) for later steps. */
  set(name: string, value: string): void;
  /** Reads a value remembered by an earlier step; throws if missing. */
  get(name: string): string;
  /** Records a value that must be equal (not only same-shaped) on both targets. */
  exact(label: string, value: unknown): void;
}

/** One named SDK interaction. */
export interface Step {
  name: string;
  expect: Expectation;
  /** Performs the calls; the returned value's shape is recorded. */
  run(ctx: StepContext): Promise<unknown>;
}

/** A named, ordered list of steps; scenarios run in list order and may build on earlier ones. */
export interface Scenario {
  name: string;
  steps: Step[];
}

/** Shorthand for declaring a step. */
export function step(name: string, expect: Expectation, run: Step['run']): Step {
  return { name, expect, run };
}

/** What one step did on one target. */
export interface StepRecord {
  scenario: string;
  step: string;
  expect: Expectation;
  /** `exception` = something other than an HTTP answer (network, scenario bug). */
  outcome: 'ok' | 'error' | 'exception';
  /** The error's HTTP status; null on success. */
  status: number | null;
  /** `METHOD status` of every HTTP response seen during the step, in order. */
  requests: string[];
  /** Values compared exactly: step-chosen ones plus error `data` codes. */
  exact: Record<string, unknown>;
  /** Shape of the result, or of the error response body. */
  shape: Shape;
  /** Error message or exception text; informational, not compared. */
  message?: string;
}

const REQUEST_TIMEOUT_MS = 15_000;

/** Runs every scenario in order against one server and records each step. */
export async function runScenarios(url: string, scenarios: Scenario[]): Promise<StepRecord[]> {
  let current: { requests: string[]; exact: Record<string, unknown> } = { requests: [], exact: {} };
  const vars = new Map<string, string>();

  const client = (): PocketBase => {
    const pb = new PocketBase(url);
    pb.autoCancellation(false);
    // A server that hangs must fail the step, not stall the whole suite.
    pb.beforeSend = (reqUrl, options) => ({
      url: reqUrl,
      options: { ...options, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) },
    });
    pb.afterSend = (response: Response, data: unknown, options?: { method?: string }) => {
      current.requests.push(`${options?.method ?? 'GET'} ${response.status}`);
      return data;
    };
    return pb;
  };

  const ctx: StepContext = {
    url,
    su: client(),
    guest: client(),
    alice: client(),
    bob: client(),
    client,
    set: (name, value) => void vars.set(name, value),
    get(name) {
      const value = vars.get(name);
      if (value === undefined) throw new Error(`scenario variable "${name}" was never set`);
      return value;
    },
    exact: (label, value) => void (current.exact[label] = value),
  };

  const records: StepRecord[] = [];
  for (const scenario of scenarios) {
    for (const s of scenario.steps) {
      current = { requests: [], exact: {} };
      const base = { scenario: scenario.name, step: s.name, expect: s.expect };
      try {
        const result = await s.run(ctx);
        records.push({ ...base, outcome: 'ok', status: null, ...current, shape: shapeOf(result) });
      } catch (err) {
        records.push({ ...base, ...current, ...describeError(err, current.exact) });
      }
    }
  }
  return records;
}

function describeError(
  err: unknown,
  exact: Record<string, unknown>,
): Pick<StepRecord, 'outcome' | 'status' | 'shape' | 'message' | 'exact'> {
  if (err instanceof ClientResponseError && err.status > 0) {
    const codes = errorCodes(err.response.data);
    return {
      outcome: 'error',
      status: err.status,
      shape: shapeOf(err.response),
      message: err.message,
      exact: Object.keys(codes).length > 0 ? { ...exact, errorCodes: codes } : exact,
    };
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return { outcome: 'exception', status: null, shape: 'null', message, exact };
}

/**
 * Flattens an error's `data` into `path -> code` (e.g. `title -> validation_required`),
 * including codes nested deeper (e.g. `requests.1.response.data.title`).
 */
export function errorCodes(data: unknown, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  if (data === null || typeof data !== 'object') return out;
  for (const [key, value] of Object.entries(data)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (value !== null && typeof value === 'object') {
      const code = (value as { code?: unknown }).code;
      if (typeof code === 'string') out[path] = code;
      // Batch failures nest the failed request's own error under `response.data`.
      Object.assign(out, errorCodes(value, path));
    }
  }
  return out;
}

/** The default superuser's credentials (as upserted by processes.ts). */
export const SUPERUSER = DEFAULT_SUPERUSER;
