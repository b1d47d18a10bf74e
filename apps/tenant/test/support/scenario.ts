/**
 * Table-driven API scenarios, as PocketBase's ApiScenario: each scenario runs against a fresh
 * copy of a fixture data dir through Fastify's in-process `inject`, and asserts the status,
 * content fragments and which hook events fired (and how often).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createServer, type ServerOptions } from '../../src/apis/server.js';
import { TenantApp } from '../../src/core/app.js';
import type { HookName } from '../../src/core/hooks.js';

/** One API scenario. */
export interface ApiScenario {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'HEAD' | 'OPTIONS';
  url: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is (set content-type in headers). */
  body?: unknown;
  expectedStatus: number;
  /** Fragments the raw body must contain. */
  expectedContent?: string[];
  /** Fragments the raw body must not contain. */
  notExpectedContent?: string[];
  /** Event name -> times fired; `'*': 0` means no event outside this list may fire. */
  expectedEvents?: Partial<Record<HookName | '*', number>>;
  /** Runs on the scenario's app before the request (e.g. to change settings). */
  beforeTest?: (app: TenantApp) => void;
  /** Runs after the request with the app, the parsed body and the server (extra assertions, follow-up requests). */
  afterTest?: (app: TenantApp, body: unknown, server: FastifyInstance) => void | Promise<void>;
  /** Server options of this scenario (e.g. a platform key). */
  serverOptions?: Omit<ServerOptions, 'logError'>;
}

/** Copies a fixture dir into a new temp dir. */
export function copyFixture(fixtureDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'burrow-scenario-'));
  cpSync(fixtureDir, dir, { recursive: true });
  return dir;
}

/** Runs one scenario (used inside a node:test `test`). */
export async function runScenario(fixtureDir: string, s: ApiScenario): Promise<void> {
  const dir = copyFixture(fixtureDir);
  const app = TenantApp.open({ dir });
  const fired = new Map<string, number>();
  app.hooks.observe((name) => fired.set(name, (fired.get(name) ?? 0) + 1));
  const server = await createServer(app, { ...s.serverOptions, logError: () => undefined });
  try {
    s.beforeTest?.(app);
    fired.clear();
    const headers: Record<string, string> = { ...s.headers };
    let payload: string | undefined;
    if (typeof s.body === 'string') payload = s.body;
    else if (s.body !== undefined) {
      payload = JSON.stringify(s.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await server.inject({ method: s.method, url: s.url, headers, payload });
    const text = res.body;
    assert.equal(res.statusCode, s.expectedStatus, `${s.name}: status (body: ${text.slice(0, 500)})`);
    if (s.expectedStatus >= 400 && text) {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      assert.deepEqual(Object.keys(parsed).sort(), ['data', 'message', 'status'], `${s.name}: error shape`);
      assert.doesNotMatch(text, /\bat .+\.(ts|js):\d+/, `${s.name}: a stack trace leaked`);
    }
    for (const frag of s.expectedContent ?? []) assert.ok(text.includes(frag), `${s.name}: expected ${frag} in ${text.slice(0, 800)}`);
    for (const frag of s.notExpectedContent ?? []) assert.ok(!text.includes(frag), `${s.name}: did not expect ${frag} in ${text.slice(0, 800)}`);
    if (s.expectedEvents) {
      const { '*': only, ...expected } = s.expectedEvents;
      for (const [name, count] of Object.entries(expected)) {
        assert.equal(fired.get(name) ?? 0, count, `${s.name}: event ${name} fired ${fired.get(name) ?? 0} times`);
      }
      if (only === 0) {
        const extra = [...fired.keys()].filter((n) => !(n in expected));
        assert.deepEqual(extra, [], `${s.name}: unexpected events`);
      }
    }
    await s.afterTest?.(app, text ? safeJson(text) : undefined, server);
  } finally {
    await server.close();
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Registers one node:test test per scenario. */
export function scenarios(fixtureDir: () => string, list: ApiScenario[]): void {
  for (const s of list) test(s.name, () => runScenario(fixtureDir(), s));
}
