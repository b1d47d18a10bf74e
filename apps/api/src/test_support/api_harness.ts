/** Starts a real api (real SQLite control DB in a temp dir, real Redis) for integration tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlatformConfig, type PlatformConfig } from '@burrow/config';
import { freePort, startRedis, type RedisHandle } from '@burrow/testing';
import { startApi, type RunningApi } from '../app.js';
import { silentLogger } from '../common/logger.js';

/** A started api and helpers to call it. */
export interface ApiHarness {
  api: RunningApi;
  redis: RedisHandle;
  config: PlatformConfig;
  /** JSON request; returns status, parsed body and headers. */
  // `any` body: tests read whatever JSON a scenario answers; asserting on it is the check.
  call(method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  /** Signs up a fresh account and returns its token. */
  signup(email?: string, password?: string): Promise<string>;
  stop(): Promise<void>;
}

let counter = 0;

/** Starts Redis and the api on free ports with env overrides. */
export async function startApiHarness(env: Record<string, string> = {}): Promise<ApiHarness> {
  const redis = await startRedis();
  const dataDir = mkdtempSync(join(tmpdir(), 'burrow-api-'));
  const config = loadPlatformConfig({ DATA_DIR: dataDir, REDIS_URL: redis.url, API_PORT: String(await freePort()), PROXY_PORT: String(await freePort()), ...env }, dataDir);
  const api = await startApi(config, silentLogger);
  const call: ApiHarness['call'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${api.url}${path}`, { method, headers, body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) });
    const text = await res.text();
    let body: unknown = text;
    try { body = text ? JSON.parse(text) : undefined; } catch { /* not JSON: keep the text */ }
    return { status: res.status, body, headers: res.headers };
  };
  return {
    api, redis, config, call,
    async signup(email = `user${++counter}-${Date.now()}@example.com`, password = 'correct horse battery') {
      const r = await call('POST', '/api/auth/signup', { body: { email, password } });
      if (r.status !== 201) throw new Error(`signup failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.token as string;
    },
    async stop() {
      await api.close();
      await redis.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
