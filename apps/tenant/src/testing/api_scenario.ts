/**
 * Table-driven API scenarios, as PocketBase's ApiScenario: each scenario runs against a fresh
 * test app (a copy of a fixture, or the app a factory builds with its hooks and routes) through
 * the server's in-process `inject`, and asserts the status, content fragments and which hook
 * events fired (and how often). Errors must have PocketBase's shape and never a stack trace.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { ServerOptions } from '../apis/server.js';
import type { TenantApp } from '../core/app.js';
import type { HookName } from '../core/hooks.js';
import { buildServer } from '../framework/serving.js';
import { newTestApp, type TestApp } from './test_app.js';

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
  /** The app of this scenario (with its hooks and routes bound); default: a copy of the fixture. */
  testAppFactory?: () => TestApp;
  /** Runs on the scenario's app before the request (e.g. to change settings). */
  beforeTest?: (app: TenantApp) => void;
  /** Runs after the request with the app, the parsed body and the server (extra assertions, follow-up requests). */
  afterTest?: (app: TenantApp, body: unknown, server: FastifyInstance) => void | Promise<void>;
  /** Server options of this scenario (e.g. a platform key). */
  serverOptions?: Omit<ServerOptions, 'logError'>;
}

/** Runs one scenario (inside a node:test `test`) on a copy of `fixtureDir` or the scenario's own app. */
export async function runScenario(fixtureDir: string | undefined, s: ApiScenario): Promise<void> {
  const testApp = s.testAppFactory ? s.testAppFactory() : newTestApp(fixtureDir);
  const app = testApp.app;
  const fired = new Map<string, number>();
  app.hooks.observe((name) => fired.set(name, (fired.get(name) ?? 0) + 1));
  let server: FastifyInstance | undefined;
  try {
    server = (await buildServer(app, { ...s.serverOptions, logError: () => undefined })).server;
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
    await server?.close();
    testApp.cleanup();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Registers one node:test test per scenario (`fixtureDir` is read when the test runs). */
export function scenarios(fixtureDir: () => string | undefined, list: ApiScenario[]): void {
  for (const s of list) test(s.name, () => runScenario(fixtureDir(), s));
}
