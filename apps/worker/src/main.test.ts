/** The worker as a process: exit codes and messages at boot and on SIGTERM. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startRedis, type RedisHandle } from '@burrow/testing';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), 'main.ts');
/** What tsx compiles the Nest code with (legacy decorators), as scripts/test.mjs sets it. */
const TSX_TSCONFIG = join(dirname(MAIN), '..', '..', '..', 'tsconfig.tsx.json');

/** Runs main.ts with `env` only (never the test's own environment). */
function runMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { ...env, TSX_TSCONFIG_PATH: TSX_TSCONFIG }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const output = () => ({ stdout, stderr });
  /** Resolves when stdout contains `text`; rejects if the process exits first. */
  const printed = (text: string) => new Promise<void>((resolve, reject) => {
    const check = () => { if (stdout.includes(text)) resolve(); };
    child.stdout.on('data', check);
    void exited.then((code) => reject(new Error(`exited with ${code} before printing "${text}": ${stderr}`)));
    check();
  });
  return { child, exited, output, printed };
}

describe('main', () => {
  let dataDir: string;
  let redis: RedisHandle;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'burrow-worker-main-'));
    redis = await startRedis();
  });
  after(async () => {
    // The redis-server child is unref'd: keep the loop alive until it has exited.
    const keepAlive = setInterval(() => undefined, 1_000);
    try { await redis?.stop(); } finally { clearInterval(keepAlive); }
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('without REDIS_URL it exits 1 and says why', async () => {
    const run = runMain({ DATA_DIR: dataDir });
    assert.equal(await run.exited, 1);
    assert.match(run.output().stderr, /REDIS_URL is not set/);
  });

  test('with an invalid variable it exits 1 listing it', async () => {
    const run = runMain({ DATA_DIR: dataDir, REDIS_URL: redis.url, IDLE_TIMEOUT: 'soon' });
    assert.equal(await run.exited, 1);
    assert.match(run.output().stderr, /IDLE_TIMEOUT/);
  });

  test('SIGTERM closes it cleanly with exit 0', async () => {
    const run = runMain({ DATA_DIR: dataDir, REDIS_URL: redis.url, BURROW_HOST: 'mainhost' });
    await run.printed('ready: host mainhost');
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0, run.output().stderr);
  });
});
