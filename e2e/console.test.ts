/**
 * The web console in a real browser: Debian's Chromium driven by playwright-core against the
 * whole stack of `npm start` (api serving the console build, worker, proxy, Redis, tenants as
 * processes). Every journey of the console issue, its failure paths, and the screenshots the
 * README shows (docs/screenshots/).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { liteFsForTests } from '@burrow/litefs/testing';
import PocketBase from 'pocketbase';
import { openControlDb } from '@burrow/db';
import { eventually as pollUntil, freePort, resolveLocalhostSubdomains, unnamedControls } from '@burrow/testing';
// @ts-expect-error: plain ESM launcher script without type declarations
import { startStack } from '../scripts/stack.mjs';

interface Stack {
  apiUrl: string;
  proxyPort: number;
  dataDir: string;
  kill(role: string, signal?: string): void;
  stop(): Promise<void>;
}

const CHROMIUM = '/usr/bin/chromium';
/** LiteFS for the replicas tab (CI has it; elsewhere that test is skipped with the reason). */
const liteFs = liteFsForTests();
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'screenshots');
const EMAIL = 'ada@example.com';
const PASSWORD = 'analytical engine';
/** Long enough for a provision or a power change on a busy CI machine. */
const JOB_MS = 45_000;

let stack: Stack;
let dataDir: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;
let instanceId = '';
/** Sessions whose instances the clean-up deletes (the main account's is found by logging in). */
const otherTokens: string[] = [];
const lines: string[] = [];

const instanceUrl = (name: string) => `http://${name}.localhost:${stack.proxyPort}`;

async function shot(name: string): Promise<void> {
  await assertLabelled(name);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
}

/** Every visible control of the screen has an accessible name (label, aria-label or text). */
async function assertLabelled(screen: string): Promise<void> {
  assert.deepEqual(await unnamedControls(page), [], `${screen}: controls without an accessible name`);
}

/**
 * The note under the field labelled `label`: its error, its "ok" text or its hint. Kinds are
 * told apart by class, never by wording alone (a hint may say what an error says).
 */
function note(label: string, kind: 'error' | 'ok' | 'hint') {
  return page.locator('.field', { has: page.getByLabel(label, { exact: true }) }).locator(`.field-${kind}`);
}

function badge() {
  return page.locator('.page-head .badge');
}

/** Polls `check` until it returns a value (bounded), with the stack's last output on timeout. */
function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = JOB_MS): Promise<T> {
  return pollUntil(what, check, timeoutMs, () => lines.slice(-30).join('\n'));
}

async function apiAs(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  // `any`: each caller asserts on the fields it needs.
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  const res = await fetch(`${stack.apiUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('web console in Chromium', { timeout: 300_000 }, () => {
  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: the bootstrap installs it (apt-get install chromium)`);
    resolveLocalhostSubdomains();
    dataDir = mkdtempSync(join(tmpdir(), 'burrow-console-e2e-'));
    stack = await startStack({
      env: { DATA_DIR: dataDir, API_PORT: String(await freePort()), PROXY_PORT: String(await freePort()), IDLE_TIMEOUT: '3600', BASE_DOMAIN: 'localhost', REDIS_URL: '', DATABASE_URL: '' },
      log: (role: string, line: string) => {
        lines.push(`${role} ${line}`);
        if (lines.length > 2000) lines.shift();
      },
    });
    // localhost, not 127.0.0.1: a secure context, so the clipboard API is there.
    base = stack.apiUrl.replace('127.0.0.1', 'localhost');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', reducedMotion: 'reduce' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await browser?.close();
    if (stack) {
      try {
        // Leave no tenant behind: delete what is left, then stop the stack.
        const login = await fetch(`${stack.apiUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL, password: PASSWORD }) }).catch(() => undefined);
        const token = login?.ok ? ((await login.json()) as { token: string }).token : undefined;
        for (const t of [token, ...otherTokens]) {
          if (!t) continue;
          const list = await apiAs(t, 'GET', '/api/instances');
          for (const i of (list.body ?? []) as Array<{ id: string }>) await apiAs(t, 'DELETE', `/api/instances/${i.id}`);
          await eventually('instances deleted', async () => ((await apiAs(t, 'GET', '/api/instances')).body.length === 0 ? true : undefined)).catch(() => undefined);
        }
      } catch {
        // The api is unreachable (a test failed mid-outage): stop the stack all the same.
      } finally {
        await stack.stop();
      }
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('a protected page redirects to log in', async () => {
    await page.goto(`${base}/instances`);
    await page.waitForURL(/\/login\?next=%2Finstances$/);
    await page.getByRole('heading', { name: 'Log in to Burrow' }).waitFor();
    await shot('login');
  });

  test('sign up: the error is shown next to the field, then the account is created', async () => {
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL(/\/signup$/);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await note('Password', 'error').filter({ hasText: 'at least 8 characters' }).waitFor();
    assert.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.waitForURL(/\/instances$/);
    await page.getByRole('heading', { name: 'No instances yet' }).waitFor();
    await shot('instances-empty');
  });

  test('the session survives a reload', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'No instances yet' }).waitFor();
    assert.match(page.url(), /\/instances$/);
  });

  test('create: the name is checked as it is typed (pattern, reserved, taken)', async () => {
    // Someone else holds "taken-one".
    const other = await fetch(`${stack.apiUrl}/api/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'other@example.com', password: 'other password 1' }) });
    const otherToken = ((await other.json()) as { token: string }).token;
    otherTokens.push(otherToken);
    assert.equal((await apiAs(otherToken, 'POST', '/api/instances', { name: 'taken-one' })).status, 202);

    await page.getByRole('link', { name: 'Create your first instance' }).click();
    await page.waitForURL(/\/instances\/new$/);
    const name = page.getByLabel('Name', { exact: true });
    await name.fill('admin');
    await note('Name', 'error').filter({ hasText: 'This name is reserved.' }).waitFor();
    await name.fill('9lives');
    await note('Name', 'error').filter({ hasText: 'starting with a letter' }).waitFor();
    await name.fill('taken-one');
    await note('Name', 'error').filter({ hasText: 'already taken' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create instance' }).isDisabled(), true);
    await name.fill('shop');
    await note('Name', 'ok').filter({ hasText: `shop.localhost is available.` }).waitFor();
    await shot('create');
  });

  test('create: the progress bar follows the provisioning job until the instance runs', async () => {
    await page.getByRole('button', { name: 'Create instance' }).click();
    const bar = page.getByRole('progressbar', { name: 'Provisioning' });
    await bar.waitFor();
    await page.getByRole('heading', { name: 'shop is ready' }).waitFor({ timeout: JOB_MS });
    assert.equal(await bar.getAttribute('value'), '100');
    await shot('create-ready');
    // The instance answers the official SDK at the URL the console shows.
    const pb = new PocketBase(instanceUrl('shop'));
    assert.equal((await pb.health.check()).code, 200);
  });

  test('instance page: URL with a copy button and the SDK snippet', async () => {
    await page.getByRole('link', { name: 'Open instance' }).click();
    await page.waitForURL(/\/instances\/[a-z0-9]+$/);
    instanceId = page.url().split('/').pop()!;
    await page.getByTestId('instance-name').filter({ hasText: 'shop' }).waitFor();
    assert.equal(await page.getByTestId('instance-url').textContent(), instanceUrl('shop'));
    await page.getByRole('button', { name: 'Copy instance URL' }).click();
    await page.getByRole('button', { name: 'Copy instance URL' }).filter({ hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), instanceUrl('shop'));
    assert.match(String(await page.getByTestId('sdk-snippet').textContent()), new RegExp(`new PocketBase\\('${instanceUrl('shop')}'\\)`));
    await badge().filter({ hasText: 'Running' }).waitFor();
    await shot('instance-overview');
  });

  test('open dashboard: a one-click superuser login on the instance', async () => {
    const popup = context.waitForEvent('page');
    await page.getByRole('button', { name: 'Open dashboard' }).click();
    const dashboard = await popup;
    // The instance's dashboard takes the token from the fragment, signs in and drops it from the URL.
    await dashboard.getByRole('navigation', { name: 'Collections' }).waitFor({ timeout: JOB_MS });
    assert.ok(dashboard.url().startsWith(`${instanceUrl('shop')}/_/`) && !dashboard.url().includes('token='), dashboard.url());
    const stored = await dashboard.evaluate(() => localStorage.getItem('burrow_dashboard_auth'));
    const token = (JSON.parse(String(stored)) as { token: string }).token;
    await dashboard.close();
    // The token is a working superuser token of this instance.
    const res = await fetch(`${instanceUrl('shop')}/api/collections/_superusers/records`, { headers: { authorization: token } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { items: Array<{ email: string }> };
    assert.deepEqual(body.items.map((i) => i.email), [EMAIL]);
  });

  test('secrets: add (hidden by default), show, edit, remove, and a bad name is refused', async () => {
    await page.getByRole('link', { name: 'Secrets' }).click();
    await page.waitForURL(/\/secrets$/);
    await page.getByText('No secrets yet.').waitFor();
    const add = async (name: string, value: string) => {
      await page.getByLabel('Name', { exact: true }).fill(name);
      await page.getByLabel('Value', { exact: true }).fill(value);
      await page.getByRole('button', { name: 'Add secret' }).click();
    };
    await add('1BAD', 'x');
    await note('Name', 'error').filter({ hasText: 'uppercase letters' }).waitFor();
    await add('STRIPE_KEY', 'sk_live_123');
    const row = page.locator('[data-secret="STRIPE_KEY"]');
    await row.waitFor();
    assert.equal(await row.getByTestId('secret-value').textContent(), '••••••••');
    await add('OLD_TOKEN', 'to-be-removed');
    await page.locator('[data-secret="OLD_TOKEN"]').waitFor();
    await page.getByRole('button', { name: 'Show STRIPE_KEY' }).click();
    await row.getByTestId('secret-value').filter({ hasText: 'sk_live_123' }).waitFor();
    await page.getByRole('button', { name: 'Edit STRIPE_KEY' }).click();
    await page.getByLabel('New value of STRIPE_KEY').fill('sk_live_456');
    await row.getByRole('button', { name: 'Save' }).click();
    await row.getByTestId('secret-value').filter({ hasText: 'sk_live_456' }).waitFor();
    await page.getByRole('button', { name: 'Remove OLD_TOKEN' }).click();
    await page.locator('[data-secret="OLD_TOKEN"]').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Hide STRIPE_KEY' }).click();
    await shot('instance-secrets');
    // What the console shows is what the API stores.
    const token = await page.evaluate(() => localStorage.getItem('burrow.session'));
    const secrets = await apiAs(String(token), 'GET', `/api/instances/${instanceId}/secrets`);
    assert.deepEqual(secrets.body.secrets.map((s: { name: string; value: string }) => [s.name, s.value]), [['STRIPE_KEY', 'sk_live_456']]);
  });

  test('backups: back up now with progress, a schedule with its preview, restore behind a confirmation, delete', async () => {
    await page.getByRole('link', { name: 'Backups' }).click();
    await page.waitForURL(/\/backups$/);
    await page.getByText('No backups yet.').waitFor();
    await page.getByTestId('next-backup').filter({ hasText: 'No backup is scheduled.' }).waitFor();
    await page.getByRole('button', { name: 'Back up now' }).click();
    const first = page.locator('[data-backup^="burrow_shop_"]');
    await first.waitFor({ timeout: JOB_MS });

    await page.getByLabel('Cron expression', { exact: true }).fill('every day');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await note('Cron expression', 'error').filter({ hasText: 'Use 5 fields' }).waitFor();
    // twelve hours away: the schedule must not fire while the test runs
    const hour = (new Date().getUTCHours() + 12) % 24;
    await page.getByLabel('Cron expression', { exact: true }).fill(`0 ${hour} * * *`);
    await note('Cron expression', 'ok').filter({ hasText: `Every day at ${String(hour).padStart(2, '0')}:00 UTC` }).waitFor();
    await page.getByLabel('Scheduled backups to keep', { exact: true }).fill('5');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByTestId('next-backup').filter({ hasText: 'Next backup:' }).waitFor();

    const name = await first.getAttribute('data-backup');
    await page.getByRole('button', { name: `Restore ${name}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Restore' }).click();
    await page.locator('[data-backup^="pre_restore_"]').waitFor({ timeout: JOB_MS });
    await badge().filter({ hasText: 'Running' }).waitFor({ timeout: JOB_MS });
    await assertLabelled('instance-backups');
    await shot('instance-backups');

    const undo = await page.locator('[data-backup^="pre_restore_"]').getAttribute('data-backup');
    await page.getByRole('button', { name: `Delete ${undo}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete backup' }).click();
    await page.locator(`[data-backup="${undo}"]`).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Remove schedule' }).click();
    await page.getByTestId('next-backup').filter({ hasText: 'No backup is scheduled.' }).waitFor();
    // What the console shows is what the API has.
    const token = await page.evaluate(() => localStorage.getItem('burrow.session'));
    const listed = await apiAs(String(token), 'GET', `/api/instances/${instanceId}/backups`);
    assert.deepEqual(listed.body.map((b: { name: string }) => b.name), [name]);
    assert.equal((await apiAs(String(token), 'GET', `/api/instances/${instanceId}/backup-schedule`)).body.cron, null);

    // a copy into a new instance: named in a dialog, then its own page follows its provisioning
    await page.getByRole('button', { name: `Copy ${name} to a new instance` }).click();
    assert.equal(await page.getByRole('dialog').getByLabel('Name of the new instance', { exact: true }).inputValue(), 'shop-copy');
    await page.getByRole('dialog').getByRole('button', { name: 'Create instance' }).click();
    await page.waitForURL((u) => /\/instances\/[a-z0-9]+$/.test(u.pathname) && !u.pathname.endsWith(instanceId));
    await badge().filter({ hasText: 'Running' }).waitFor({ timeout: JOB_MS });
    const copyId = page.url().split('/').pop()!;
    assert.equal((await apiAs(String(token), 'DELETE', `/api/instances/${copyId}`)).status, 202);
    await page.goto(`${base}/instances/${instanceId}`);
    await badge().filter({ hasText: 'Running' }).waitFor();
  });

  test('point in time: continuous backup turned on, a moment picked and restored behind a confirmation', async () => {
    await page.getByRole('link', { name: 'Backups' }).click();
    await page.getByTestId('continuous-state').filter({ hasText: 'Off' }).waitFor();
    await page.getByRole('button', { name: 'Turn on continuous backup' }).click();
    await page.getByTestId('continuous-state').filter({ hasText: 'On (platform disk)' }).waitFor();
    const token = String(await page.evaluate(() => localStorage.getItem('burrow.session')));
    await eventually('restarted with continuous backup', async () => {
      const r = await apiAs(token, 'GET', `/api/instances/${instanceId}`);
      return r.body.status === 'running' && r.body.job?.name === 'instance.power' && r.body.job.state === 'completed' ? true : undefined;
    });
    const pb = new PocketBase(instanceUrl('shop'));
    await pb.collection('_superusers').authWithPassword(EMAIL, PASSWORD);
    await pb.collections.create({ name: 'notes', type: 'base', listRule: '', fields: [{ name: 'text', type: 'text' }] });
    // bounds are whole seconds: the write goes in a later second than the newest replicated one,
    // and counts as shipped once the replica's newest moment moves past that
    const latestNow = async () => (await apiAs(token, 'GET', `/api/instances/${instanceId}/continuous-backup`)).body.latest as string | null;
    // everything written before is shipped within a sync interval (1 s): then the newest moment is stable
    const settled = Date.now();
    await eventually('earlier writes shipped', async () => (Date.now() > settled + 2_000 ? true : undefined));
    const first = await eventually('first replicated moment', async () => (await latestNow()) ?? undefined);
    await eventually('a later second', async () => (Date.now() > Date.parse(first) + 2_000 ? true : undefined));
    await pb.collection('notes').create({ text: 'before' });
    await eventually('replicated', async () => {
      const latest = await latestNow();
      return latest && Date.parse(latest) > Date.parse(first) ? true : undefined;
    });
    // the picker has whole seconds: the moment goes a second past the shipped write
    const shipped = Date.now();
    await eventually('a second past the write', async () => (Date.now() > shipped + 1_100 ? true : undefined));
    const moment = Date.now();
    await eventually('a second later', async () => (Date.now() > moment + 1_100 ? true : undefined));
    await pb.collection('notes').create({ text: 'after' });

    await page.getByTestId('pitr-span').waitFor({ timeout: JOB_MS });
    // the picker takes local time, as the browser's clock shows it
    const local = await page.evaluate(`(() => { const d = new Date(${moment}); const p = (n) => String(n).padStart(2, '0');
      return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds()); })()`);
    await page.getByLabel('Restore to (your local time)', { exact: true }).fill(String(local));
    await page.getByRole('button', { name: 'Restore to this moment' }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore to this moment?' });
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await dialog.waitFor({ state: 'hidden' }).catch(async (err: unknown) => {
      throw new Error(`the dialog stayed open: ${await dialog.textContent()} (${String(err)})`);
    });
    await eventually('point-in-time restore done', async () => {
      const r = await apiAs(token, 'GET', `/api/instances/${instanceId}`);
      return r.body.status === 'running' && r.body.job?.name === 'instance.restore' && r.body.job.state === 'completed' ? true : undefined;
    }, JOB_MS);
    await page.locator('[data-backup^="pitr_"]').waitFor({ timeout: JOB_MS });
    await badge().filter({ hasText: 'Running' }).waitFor({ timeout: JOB_MS });
    const restored = new PocketBase(instanceUrl('shop'));
    await restored.collection('_superusers').authWithPassword(EMAIL, PASSWORD);
    assert.deepEqual((await restored.collection('notes').getFullList()).map((n) => n.text), ['before'], 'the database as of the moment picked');
    await assertLabelled('instance-pitr');
    await page.locator('#pitr-title').scrollIntoViewIfNeeded();
    await shot('instance-pitr');

    await page.getByRole('button', { name: 'Turn off continuous backup' }).click();
    await page.getByTestId('continuous-state').filter({ hasText: 'Off' }).waitFor();
    await eventually('restarted without continuous backup', async () => {
      const r = await apiAs(token, 'GET', `/api/instances/${instanceId}`);
      return r.body.status === 'running' && r.body.job?.name === 'instance.power' && r.body.job.state === 'completed' ? true : undefined;
    }, JOB_MS);
  });

  test('replicas: add one, see it healthy beside the primary, remove it behind a confirmation', { skip: liteFs.skip }, async () => {
    const token = String(await page.evaluate(() => localStorage.getItem('burrow.session')));
    const created = await apiAs(token, 'POST', '/api/instances', { name: 'scaled' });
    assert.equal(created.status, 202);
    const id: string = created.body.id;
    await eventually('scaled running', async () => ((await apiAs(token, 'GET', `/api/instances/${id}`)).body.status === 'running' ? true : undefined));
    await page.goto(`${base}/instances/${id}/replicas`);
    await page.getByTestId('replica-quota').filter({ hasText: 'You use 0 of 2 replicas.' }).waitFor();
    await page.getByText('This instance has one node and no replicas.').waitFor();
    await page.getByRole('button', { name: 'Add a replica' }).click();
    const row = page.locator(`[data-node="${id}-r1"]`);
    await row.filter({ hasText: 'Healthy' }).waitFor({ timeout: JOB_MS });
    await page.locator(`[data-node="${id}"]`).filter({ hasText: 'Primary' }).waitFor();
    assert.match((await row.textContent()) ?? '', /Replica\d+ msHealthy/);
    await page.getByTestId('replica-quota').filter({ hasText: 'You use 1 of 2 replicas.' }).waitFor();
    await assertLabelled('instance-replicas');
    await shot('instance-replicas');
    await page.getByRole('button', { name: `Remove ${id}-r1` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await row.waitFor({ state: 'detached', timeout: JOB_MS });
    await page.getByTestId('replica-quota').filter({ hasText: 'You use 0 of 2 replicas.' }).waitFor();
    assert.equal((await apiAs(token, 'DELETE', `/api/instances/${id}`)).status, 202);
    await page.goto(`${base}/instances/${instanceId}`);
    await badge().filter({ hasText: 'Running' }).waitFor();
  });

  test('power off and on', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('button', { name: 'Stop instance' }).click();
    await badge().filter({ hasText: 'Stopped' }).waitFor({ timeout: JOB_MS });
    // The row says stopped before the process is gone: until the job ends, the proxy's 1 s
    // route cache may still reach it.
    const token = String(await page.evaluate(() => localStorage.getItem('burrow.session')));
    await eventually('power-off job completed', async () => {
      const r = await apiAs(token, 'GET', `/api/instances/${instanceId}`);
      return r.body.job?.name === 'instance.power' && r.body.job.state === 'completed' && r.body.status === 'stopped' ? true : undefined;
    });
    const refused = await fetch(`${instanceUrl('shop')}/api/health`);
    assert.equal(refused.status, 503);
    await page.getByRole('button', { name: 'Start instance' }).click();
    await badge().filter({ hasText: 'Running' }).waitFor({ timeout: JOB_MS });
    // The proxy takes up the new process within its 1 s route cache.
    await eventually('serving again', async () => ((await fetch(`${instanceUrl('shop')}/api/health`)).status === 200 ? true : undefined), 10_000);
  });

  test('logs: lines arrive live; pause holds new ones; clear empties the view', async () => {
    await page.getByRole('link', { name: 'Logs' }).click();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    const logLines = page.getByTestId('log-line');
    await logLines.first().waitFor();
    await shot('instance-logs');
    await page.getByRole('button', { name: 'Clear' }).click();
    assert.equal(await logLines.count(), 0);
    // A restart writes new lines: they arrive without a reload.
    const token = String(await page.evaluate(() => localStorage.getItem('burrow.session')));
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('status').filter({ hasText: 'Paused' }).waitFor();
    assert.equal((await apiAs(token, 'PATCH', `/api/instances/${instanceId}`, { power: 'off' })).status, 200);
    await page.getByRole('status').filter({ hasText: /Paused \(\d+ new\)/ }).waitFor({ timeout: JOB_MS });
    assert.equal(await logLines.count(), 0, 'paused: nothing is added to the view');
    await page.getByRole('button', { name: 'Resume' }).click();
    await logLines.first().waitFor();
    assert.equal((await apiAs(token, 'PATCH', `/api/instances/${instanceId}`, { power: 'on' })).status, 200);
    await eventually('running again', async () => ((await apiAs(token, 'GET', `/api/instances/${instanceId}`)).body.status === 'running' ? true : undefined));
  });

  test('rename: the URL changes after a warning', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Name', { exact: true }).fill('shop-two');
    await note('Name', 'ok').filter({ hasText: `New URL: ${instanceUrl('shop-two')}` }).waitFor();
    await page.getByRole('button', { name: 'Rename' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rename shop to shop-two?' });
    await dialog.getByText('stop working').waitFor();
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await page.getByTestId('instance-name').filter({ hasText: 'shop-two' }).waitFor();
    assert.equal(await page.getByTestId('instance-url').textContent(), instanceUrl('shop-two'));
    await eventually('new name answers', async () => ((await fetch(`${instanceUrl('shop-two')}/api/health`)).status === 200 ? true : undefined));
  });

  test('delete: the confirmation asks for the name', async () => {
    await page.getByRole('button', { name: 'Delete instance' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete shop-two?' });
    const confirm = dialog.getByRole('button', { name: 'Delete forever' });
    assert.equal(await confirm.isDisabled(), true);
    await dialog.getByLabel('Type shop-two to confirm').fill('shop');
    assert.equal(await confirm.isDisabled(), true);
    await dialog.getByLabel('Type shop-two to confirm').fill('shop-two');
    assert.ok(existsSync(join(dataDir, 'backups', instanceId)), 'it has backups');
    await dialog.getByLabel(/Also delete its backups/).check();
    await shot('instance-delete');
    await confirm.click();
    await page.waitForURL(/\/instances$/);
    await page.getByRole('heading', { name: 'No instances yet' }).waitFor({ timeout: JOB_MS });
    await eventually('its backups are deleted with it', async () => (existsSync(join(dataDir, 'backups', instanceId)) ? undefined : true));
  });

  test('the list shows live statuses and reads well at phone width', async () => {
    const token = String(await page.evaluate(() => localStorage.getItem('burrow.session')));
    const created = await apiAs(token, 'POST', '/api/instances', { name: 'blog' });
    assert.equal(created.status, 202);
    // Created behind the console's back: the list picks it up and follows it to running.
    const row = page.locator('[data-instance="blog"]');
    await row.locator('[data-status="running"]').waitFor({ timeout: JOB_MS });
    await apiAs(token, 'POST', '/api/instances', { name: 'notes' });
    await page.locator('[data-instance="notes"] [data-status="running"]').waitFor({ timeout: JOB_MS });
    await shot('instances');
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, 'no horizontal scrolling at 390 px');
    await shot('instances-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('log in: a wrong password is shown at the field; the keyboard alone logs in', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login$/);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill('not the password');
    await page.getByLabel('Password').press('Enter');
    await note('Password', 'error').filter({ hasText: 'Wrong email or password.' }).waitFor();
    await shot('login-error');
    // Keyboard only: focus the email field, Tab to the password, Enter submits.
    await page.getByLabel('Email').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'password');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/instances$/);
    await page.locator('[data-instance="blog"]').waitFor();
  });

  test('account: change the password', async () => {
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByTestId('account-email').filter({ hasText: EMAIL }).waitFor();
    await page.getByLabel('Current password').fill('wrong one');
    await page.getByLabel('New password').fill('a brand new password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await note('Current password', 'error').filter({ hasText: /./ }).waitFor();
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'Password changed.' }).waitFor();
    // Back to the known password for the rest of the run (and the clean-up).
    await page.getByLabel('Current password').fill('a brand new password');
    await page.getByLabel('New password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'Password changed.' }).waitFor();
  });

  test('create: a failed provisioning is explained and can be retried', async () => {
    // The failure is the control DB's `failed` row that the worker writes when a tenant cannot
    // start; the worker is paused (SIGSTOP) so the row is set before it provisions.
    stack.kill('worker', 'SIGSTOP');
    try {
      await page.getByRole('link', { name: 'Instances' }).click();
      await page.getByRole('link', { name: 'New instance' }).click();
      await page.getByLabel('Name', { exact: true }).fill('flaky');
      await note('Name', 'ok').filter({ hasText: 'is available' }).waitFor();
      await page.getByRole('button', { name: 'Create instance' }).click();
      await page.getByRole('heading', { name: 'Creating flaky' }).waitFor();
      const db = await openControlDb({ kind: 'sqlite', file: join(dataDir, 'control.db') });
      try {
        await db.instance.updateMany({ where: { name: 'flaky' }, data: { status: 'failed', statusReason: 'The tenant did not answer its health check within 30 s.' } });
      } finally {
        await db.$disconnect();
      }
      await page.getByRole('alert').filter({ hasText: 'Provisioning failed: The tenant did not answer its health check within 30 s.' }).waitFor();
      await shot('create-failed');
    } finally {
      stack.kill('worker', 'SIGCONT');
    }
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('heading', { name: 'flaky is ready' }).waitFor({ timeout: JOB_MS });
  });

  test('server down: the console says so, then recovers on its own', async () => {
    await page.getByRole('link', { name: 'Instances' }).click();
    await page.locator('[data-instance="blog"]').waitFor();
    const apiPort = new URL(stack.apiUrl).port;
    stack.kill('api', 'SIGKILL');
    await eventually('api down', async () => ((await fetch(`http://127.0.0.1:${apiPort}/api/health`).then(() => false, () => true)) ? true : undefined), 5_000);
    // The stack waits a second before restarting it: a click now meets the outage.
    await page.getByRole('link', { name: 'blog', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Cannot reach the Burrow API' }).waitFor();
    await shot('offline');
    // The stack restarts the api; the banner goes away without a reload, the session is intact.
    await page.getByRole('alert').filter({ hasText: 'Cannot reach the Burrow API' }).waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByTestId('instance-name').filter({ hasText: 'blog' }).waitFor();
  });
});
