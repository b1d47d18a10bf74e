/**
 * The admin dashboard at /_/ in Chromium (playwright-core, Debian's /usr/bin/chromium) against a
 * real `burrow-tenant serve`: first-run superuser from the printed link, records of a collection
 * (create with a file and see its thumbnail, edit, filter with an inline error, sort, bulk
 * delete, live updates), log out and in, and a token handed over in the URL fragment.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import PocketBase from 'pocketbase';
import { eventually, unnamedControls } from '@burrow/testing';
import { startTenant, type ServerHandle } from '../support/processes.js';
import { startSmtp } from '../support/smtp.js';
import { twoColourPng } from '../support/uploads.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'docs', 'screenshots');
const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dashboard', 'dist', 'index.html');
const EMAIL = 'owner@example.com';
const PASSWORD = 'a long password 1';

describe('tenant dashboard in Chromium', { timeout: 180_000 }, () => {
  let tenant: ServerHandle;
  let browser: Browser;
  let page: Page;
  let pb: PocketBase;
  /** Uncaught errors in the page: each one is a bug (checked at the end). */
  const pageErrors: string[] = [];

  const shot = async (name: string) => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };
  const rows = () => page.locator('tbody tr');

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: the bootstrap installs it (apt-get install chromium)`);
    assert.ok(existsSync(DIST), 'the dashboard is not built: node scripts/build_dashboard.mjs');
    tenant = await startTenant({ superuser: false });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', reducedMotion: 'reduce' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  after(async () => {
    await browser?.close();
    await tenant?.stop();
  });

  test('first run: the printed link creates the first superuser and signs in', async () => {
    const link = await eventually('installer link printed', async () => /http:\/\/\S+\/_\/#\/pbinstall\/\S+/.exec(tenant.output())?.[0], 10_000);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Create your first superuser' }).waitFor();
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Password again').fill('short');
    await page.getByRole('button', { name: 'Create and log in' }).click();
    await page.locator('.field-error').first().waitFor(); // too short: the server's field error
    await shot('dashboard-install');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Password again').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create and log in' }).click();
    await page.getByRole('navigation', { name: 'Collections' }).waitFor();
    // the system installer account is gone; the new one is the only superuser
    pb = new PocketBase(tenant.url);
    await pb.collection('_superusers').authWithPassword(EMAIL, PASSWORD);
    const superusers = await pb.collection('_superusers').getFullList();
    assert.deepEqual(superusers.map((s) => s.email), [EMAIL]);
  });

  test('records: create with a file (thumbnail shown), edit, filter, sort, bulk delete, live updates', async () => {
    await pb.collections.create({
      name: 'posts', type: 'base', listRule: '', viewRule: '',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'views', type: 'number' },
        { name: 'published', type: 'bool' },
        { name: 'kind', type: 'select', values: ['news', 'story'], maxSelect: 1 },
        { name: 'meta', type: 'json' },
        { name: 'cover', type: 'file', maxSelect: 1, mimeTypes: ['image/png'] },
      ],
    });
    await page.reload();
    await page.getByRole('link', { name: /posts/ }).click();
    await page.getByRole('heading', { name: 'posts' }).waitFor();
    await page.getByText('No records yet.').waitFor();

    await page.getByRole('button', { name: 'New record' }).click();
    const panel = page.getByRole('dialog');
    await panel.getByRole('button', { name: 'Create' }).click();
    await panel.locator('.field-error').first().waitFor(); // title is required
    await panel.getByLabel('title *').fill('Hello');
    await panel.getByLabel('views').fill('42');
    await panel.getByLabel('published').check();
    await panel.getByLabel('kind').selectOption('news');
    await panel.getByLabel('meta').fill('{"tags": ["a"]}');
    const png = join(tmpdir(), `dashboard-${process.pid}.png`);
    writeFileSync(png, await twoColourPng(64, 48));
    await panel.getByLabel('cover').setInputFiles(png);
    await panel.getByRole('button', { name: 'Create' }).click();
    await panel.waitFor({ state: 'detached' });
    await rows().filter({ hasText: 'Hello' }).waitFor();
    const [created] = await pb.collection('posts').getFullList();
    assert.equal(created?.views, 42);
    assert.equal(created?.published, true);
    assert.deepEqual(created?.meta, { tags: ['a'] });
    assert.match(String(created?.cover), /\.png$/);

    // the panel of an existing record shows its file through a thumb; edit a value
    await rows().filter({ hasText: 'Hello' }).click();
    const thumb = page.getByRole('dialog').locator('.files img');
    await thumb.waitFor();
    await eventually('thumb loaded', async () => ((await thumb.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth > 0)) ? true : undefined), 10_000);
    assert.match(String(await thumb.getAttribute('src')), /thumb=100x100/);
    await shot('dashboard-record');
    await page.getByRole('dialog').getByLabel('title *').fill('Hello again');
    await page.getByRole('dialog').getByRole('button', { name: 'Save changes' }).click();
    await rows().filter({ hasText: 'Hello again' }).waitFor();

    // live: records made elsewhere appear without a reload
    for (const title of ['Alpha', 'Beta', 'Gamma']) await pb.collection('posts').create({ title, views: title.length });
    await eventually('live rows', async () => ((await rows().count()) === 4 ? true : undefined), 10_000);

    // filter: the language as PocketBase's, errors shown under the box
    await page.getByLabel('Filter').fill('title ~ "a" &&');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator('#filter-error').waitFor();
    await page.getByLabel('Filter').fill('views > 10');
    await page.getByRole('button', { name: 'Apply' }).click();
    await eventually('filtered', async () => ((await rows().count()) === 1 ? true : undefined), 5_000);
    await page.locator('#filter-error').waitFor({ state: 'detached' });
    await page.getByLabel('Filter').fill('');
    await page.getByRole('button', { name: 'Apply' }).click();
    await eventually('unfiltered', async () => ((await rows().count()) === 4 ? true : undefined), 5_000);

    // sort by a column: ascending, then descending
    await page.getByRole('button', { name: /^title/ }).click();
    await eventually('sorted asc', async () => ((await rows().first().textContent())?.includes('Alpha') ? true : undefined), 5_000);
    await page.getByRole('button', { name: /^title/ }).click();
    await eventually('sorted desc', async () => ((await rows().first().textContent())?.includes('Hello again') ? true : undefined), 5_000);
    await shot('dashboard-records');

    // bulk delete two
    page.once('dialog', (d) => void d.accept());
    for (const title of ['Alpha', 'Beta']) await rows().filter({ hasText: title }).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Delete selected' }).click();
    await eventually('two deleted', async () => ((await rows().count()) === 2 ? true : undefined), 5_000);
    assert.deepEqual((await pb.collection('posts').getFullList({ sort: 'title' })).map((r) => r.title), ['Gamma', 'Hello again']);
  });

  test('collections: create with fields and rules, a rule checked by the server, completion, an index, a view, import and export, delete', async () => {
    await page.getByRole('button', { name: 'New collection' }).click();
    const panel = page.getByRole('dialog');
    await panel.getByLabel('Name', { exact: true }).fill('notes');
    const addField = async (type: string, name: string) => {
      await panel.getByLabel('New field type').selectOption(type);
      await panel.getByRole('button', { name: 'Add field' }).click();
      const rows = panel.locator('.field-row');
      const last = rows.nth((await rows.count()) - 1);
      await last.getByRole('textbox').first().fill(name);
      return last;
    };
    const title = await addField('text', 'title');
    await title.getByLabel('Required').check();
    const mood = await addField('select', 'mood');
    await mood.getByLabel('Values').fill('happy, sad');
    await addField('number', 'score');
    await shot('dashboard-collection');
    await panel.getByRole('tab', { name: 'API rules' }).click();
    const rule = (label: string) => panel.getByRole('group', { name: label });
    await rule('List and search').getByLabel('Everyone').check();
    await rule('View').getByLabel('Everyone').check();
    await rule('Create').getByLabel('Expression').check();
    // completion: typing the start of a name offers it; Enter takes it
    const create = panel.getByLabel('Create expression');
    await create.fill('');
    await create.pressSequentially('@request.au');
    await panel.getByRole('option', { name: '@request.auth.id' }).waitFor();
    await create.press('Enter');
    await create.pressSequentially(' != ""');
    assert.equal(await create.inputValue(), '@request.auth.id != ""');
    await shot('dashboard-rules');
    await panel.getByRole('button', { name: 'Create' }).click();
    await panel.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'notes' }).waitFor();
    const guest = new PocketBase(tenant.url);
    assert.equal((await guest.collection('notes').getList()).totalItems, 0, 'guests may list');
    await assert.rejects(guest.collection('notes').create({ title: 'x' }), (e: { status?: number }) => e.status === 400, 'guests may not create');
    const saved = await pb.collections.getOne('notes');
    assert.deepEqual(saved.fields.filter((f) => !f.system).map((f) => [f.name, f.type, f.required === true]), [['created', 'autodate', false], ['updated', 'autodate', false], ['title', 'text', true], ['mood', 'select', false], ['score', 'number', false]]);

    // a rule the server refuses: its message under the rule, nothing saved; then lock the list
    await page.getByRole('button', { name: 'Edit collection' }).click();
    await panel.getByRole('tab', { name: 'API rules' }).click();
    await rule('List and search').getByLabel('Expression').check();
    await panel.getByLabel('List and search expression').fill('title ~');
    await panel.getByRole('button', { name: 'Save changes' }).click();
    await rule('List and search').locator('.field-error').waitFor();
    assert.equal((await pb.collections.getOne('notes')).listRule, '', 'nothing saved');
    await rule('List and search').getByLabel('Superusers only').check();
    await panel.getByRole('tab', { name: 'Indexes' }).click();
    await panel.getByRole('button', { name: 'Add index' }).click();
    await panel.getByLabel('Index 1', { exact: true }).fill('CREATE INDEX `idx_notes_title` ON `notes` (`title`)');
    await panel.getByRole('button', { name: 'Save changes' }).click();
    await panel.waitFor({ state: 'detached' });
    await assert.rejects(guest.collection('notes').getList(), (e: { status?: number }) => e.status === 403, 'a locked list refuses guests');
    assert.deepEqual((await pb.collections.getOne('notes')).indexes, ['CREATE INDEX `idx_notes_title` ON `notes` (`title`)']);

    // a view collection from a query; its records show
    await pb.collection('notes').create({ title: 'in the view', mood: 'happy', score: 3 });
    await page.getByRole('button', { name: 'New collection' }).click();
    await panel.getByLabel('Name', { exact: true }).fill('notes_view');
    await panel.getByLabel('Type', { exact: true }).selectOption('view');
    await panel.getByLabel('SELECT query').fill('SELECT id, title, score FROM notes');
    await panel.getByRole('button', { name: 'Create' }).click();
    await panel.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'notes_view' }).waitFor();
    await rows().filter({ hasText: 'in the view' }).waitFor();

    // export shows the collections; an import adds one
    await page.getByRole('link', { name: 'Import / export' }).click();
    await eventually('export', async () => ((await page.getByLabel('Exported collections').inputValue()).includes('"notes_view"') ? true : undefined), 5_000);
    await page.getByLabel('Collections to import').fill(JSON.stringify([{ name: 'imported', type: 'base', fields: [{ name: 'label', type: 'text' }] }]));
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 1 collection' }).waitFor();
    await page.getByRole('link', { name: 'imported' }).waitFor();

    // delete, confirmed by typing the name
    await page.getByRole('link', { name: 'imported' }).click();
    await page.getByRole('button', { name: 'Edit collection' }).click();
    page.once('dialog', (d) => void d.accept('imported'));
    await panel.getByRole('button', { name: 'Delete collection' }).click();
    await page.getByRole('link', { name: 'imported' }).waitFor({ state: 'detached' });
    await assert.rejects(pb.collections.getOne('imported'), (e: { status?: number }) => e.status === 404);
  });

  test('the pages mails link to: reset a password, verify an email; the end of an OAuth2 popup', async () => {
    const smtp = await startSmtp();
    try {
      await pb.settings.update({
        meta: { appName: 'Dash Test', appURL: tenant.url, senderName: 'Dash', senderAddress: 'noreply@dash.test' },
        smtp: { enabled: true, host: smtp.host, port: smtp.port, tls: false },
      });
      const guest = new PocketBase(tenant.url);
      await pb.collection('users').create({ email: 'reader@example.com', password: 'first password', passwordConfirm: 'first password' });
      const linkIn = async (kind: string, to = 'reader@example.com') => {
        const mail = await smtp.next(to, 10_000).catch(async (err: unknown) => {
          const logs = await pb.logs.getList(1, 5, { sort: '-created' });
          throw new Error(`${String(err)}; recent logs: ${JSON.stringify(logs.items.map((l) => [l.message, l.data]))}`);
        });
        const link = new RegExp(`${tenant.url.replace(/[.]/g, '\\.')}/_/#/auth/${kind}/[\\w.-]+`).exec(mail.html)?.[0];
        assert.ok(link, `a ${kind} link in: ${mail.html.slice(0, 300)}`);
        return link;
      };

      await guest.collection('users').requestPasswordReset('reader@example.com');
      const reset = await linkIn('confirm-password-reset');
      const anon = await browser.newContext();
      const p = await anon.newPage();
      await p.goto(reset);
      await p.getByRole('heading', { name: 'Choose a new password' }).waitFor();
      await p.getByLabel('New password', { exact: true }).fill('second password');
      await p.getByLabel('New password again').fill('second password');
      await p.getByRole('button', { name: 'Set the password' }).click();
      await p.getByRole('heading', { name: 'Password changed' }).waitFor();
      await guest.collection('users').authWithPassword('reader@example.com', 'second password');
      // the same link again: refused, said on the page
      await p.goto(`${tenant.url}/_/#/`);
      await p.goto(reset);
      await p.getByLabel('New password', { exact: true }).fill('third password');
      await p.getByLabel('New password again').fill('third password');
      await p.getByRole('button', { name: 'Set the password' }).click();
      await p.getByText('This link is invalid or has expired.').waitFor();

      // (the reset verified reader's address: a second user for the verification link)
      await pb.collection('users').create({ email: 'second@example.com', password: 'first password', passwordConfirm: 'first password' });
      await guest.collection('users').requestVerification('second@example.com');
      const verify = await linkIn('confirm-verification', 'second@example.com');
      await p.goto(verify);
      await p.getByRole('heading', { name: 'Email verified' }).waitFor();
      assert.equal((await pb.collection('users').getFirstListItem('email = "second@example.com"')).verified, true);

      // an OAuth2 popup whose state nobody waits for ends on the failure page
      await p.goto(`${tenant.url}/api/oauth2-redirect?state=nobody&code=x`);
      await p.getByRole('heading', { name: 'Sign-in failed' }).waitFor();
      await anon.close();
    } finally {
      await smtp.close();
    }
  });

  test('settings (with a test mail), backups (make, list, download, delete), logs (chart, filter, detail)', async () => {
    const smtp = await startSmtp();
    try {
      await page.getByRole('link', { name: 'Settings' }).click();
      const app = page.getByRole('form', { name: 'Application' });
      // The form fills in the current settings when they arrive: type only after that.
      await eventually('the settings loaded into the form', async () => ((await app.getByLabel('Application name').inputValue()) === 'Dash Test' ? true : undefined), 10_000);
      await app.getByLabel('Application name').fill('Dashboard Test App');
      await app.getByRole('button', { name: 'Save' }).click();
      await app.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      assert.equal(((await pb.settings.getAll()) as { meta: { appName: string } }).meta.appName, 'Dashboard Test App');
      const mail = page.getByRole('form', { name: 'Mail (SMTP)' });
      await mail.getByLabel('Host').fill(smtp.host);
      await mail.getByLabel('Port', { exact: true }).fill(String(smtp.port));
      await mail.getByLabel('Send mail through this SMTP server').check();
      await mail.getByLabel('TLS from the start (port 465)').uncheck();
      await mail.getByRole('button', { name: 'Save' }).click();
      await mail.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      await mail.getByLabel('Send a test mail to').fill('inbox@example.com');
      await mail.getByRole('button', { name: 'Send test mail' }).click();
      await mail.getByRole('status').filter({ hasText: 'Sent to inbox@example.com.' }).waitFor();
      assert.ok((await smtp.next('inbox@example.com', 10_000)).subject.length > 0);
      const limits = page.getByRole('form', { name: 'Rate limits' });
      await limits.getByLabel(/Rules/).fill('[{"label": "/api/", "maxRequests": 0, "duration": 1}]');
      await limits.getByRole('button', { name: 'Save' }).click();
      await limits.locator('.form-error').filter({ hasText: 'maxRequests' }).waitFor(); // the server's reason
      assert.match(await limits.getByLabel(/Rules/).inputValue(), /"maxRequests": 0/, 'the text stays as typed');
      await shot('dashboard-settings');

      await page.getByRole('link', { name: 'Backups' }).click();
      await page.getByText('No backups yet.').waitFor();
      await page.getByLabel('Backup name (optional)').fill('dash_backup.zip');
      await page.getByRole('button', { name: 'Back up now' }).click();
      await page.locator('[data-backup="dash_backup.zip"]').waitFor({ timeout: 30_000 });
      const download = page.waitForEvent('download');
      await page.locator('[data-backup="dash_backup.zip"]').getByRole('button', { name: 'Download' }).click();
      const archive = await download;
      assert.equal(archive.suggestedFilename(), 'dash_backup.zip');
      // the downloaded archive uploaded under another name, then restored: the server restarts onto it
      const copy = join(tmpdir(), `dash_copy_${process.pid}.zip`);
      await archive.saveAs(copy);
      await page.getByLabel('Upload a backup (zip)').setInputFiles(copy);
      await page.locator(`[data-backup="dash_copy_${process.pid}.zip"]`).waitFor({ timeout: 30_000 });
      const before = (await pb.collection('posts').getFullList()).length;
      await pb.collection('posts').create({ title: 'after the backup' });
      page.once('dialog', (d) => void d.accept());
      const reloaded = page.waitForEvent('load', { timeout: 60_000 });
      await page.evaluate(`new MutationObserver(() => {
        if ([...document.querySelectorAll('[role="status"]')].some((n) => n.textContent.includes('Restoring'))) sessionStorage.setItem('sawRestoring', '1');
      }).observe(document.body, { subtree: true, childList: true, characterData: true })`);
      await page.getByRole('button', { name: `Restore dash_copy_${process.pid}.zip` }).click();
      // (The notice shows while the instance restarts: on a fast restart for a moment only, so it is
      // recorded by an observer installed before the click; it lasts through the page's reload.)
      await eventually('restored data served', async () => {
        const n = await pb.collection('posts').getFullList().then((l) => l.length).catch(() => -1);
        return n === before ? true : undefined;
      }, 30_000);
      await reloaded; // the page reloads onto the restored data once the instance is back
      assert.equal(await page.evaluate("sessionStorage.getItem('sawRestoring')"), '1', 'the page said it was restoring');
      await page.getByRole('heading', { name: 'Backups' }).waitFor();
      page.once('dialog', (d) => void d.accept());
      await page.getByRole('button', { name: 'Delete dash_backup.zip' }).click();
      await page.locator('[data-backup="dash_backup.zip"]').waitFor({ state: 'detached' });

      await page.getByRole('link', { name: 'Logs' }).click();
      await page.locator('svg.chart rect').first().waitFor();
      await page.getByLabel('Filter logs').fill('data.status >= 400');
      await page.getByRole('button', { name: 'Apply' }).click();
      await eventually('only failed requests', async () => {
        const statuses = await page.locator('[data-log] td:nth-child(3)').allTextContents();
        return statuses.length > 0 && statuses.every((st) => Number(st) >= 400) ? true : undefined;
      }, 5_000);
      await page.locator('[data-log]').first().click();
      await page.getByRole('dialog').locator('.log-data').waitFor();
      await shot('dashboard-logs');
      await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
      await page.getByLabel('Filter logs').fill('data.status >=');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.locator('.field-error').waitFor();
    } finally {
      await smtp.close();
    }
  });

  test('users: a relation picked by search, a column hidden, a password reset sent, impersonation', async () => {
    const smtp = await startSmtp();
    try {
      await pb.settings.update({ smtp: { enabled: true, host: smtp.host, port: smtp.port, tls: false } });
      const ada = await pb.collection('users').create({ email: 'ada@example.com', name: 'Ada Lovelace', password: 'password 123', passwordConfirm: 'password 123' });
      await pb.collection('users').create({ email: 'alan@example.com', name: 'Alan Turing', password: 'password 123', passwordConfirm: 'password 123' });
      const users = await pb.collections.getOne('users');
      await pb.collections.create({ name: 'letters', type: 'base', listRule: '', fields: [{ name: 'subject', type: 'text' }, { name: 'author', type: 'relation', collectionId: users.id, maxSelect: 1 }] });
      await page.reload();
      await page.getByRole('link', { name: /^letters/ }).click();
      await page.getByRole('button', { name: 'New record' }).click();
      const panel = page.getByRole('dialog');
      await panel.getByLabel('subject').fill('On engines');
      await panel.getByRole('button', { name: 'Pick' }).click();
      await panel.getByLabel('Search users').fill('Lovelace');
      // one related record at most: picking it closes the picker and fills the input
      await panel.getByRole('checkbox', { name: /Ada Lovelace/ }).click();
      assert.equal(await panel.getByLabel('author').inputValue(), ada.id);
      await panel.getByRole('button', { name: 'Create' }).click();
      await panel.waitFor({ state: 'detached' });
      assert.equal((await pb.collection('letters').getFirstListItem('subject = "On engines"')).author, ada.id);

      // a hidden column stays hidden after a reload (this browser remembers it)
      await page.getByRole('button', { name: 'Columns' }).click();
      await page.getByRole('group', { name: 'Columns shown' }).getByLabel('author').uncheck();
      await page.getByRole('columnheader', { name: /^author/ }).waitFor({ state: 'detached' });
      await page.reload();
      await page.getByRole('columnheader', { name: /^subject/ }).waitFor();
      assert.equal(await page.getByRole('columnheader', { name: /^author/ }).count(), 0);

      await page.getByRole('link', { name: /^users/ }).click();
      await rows().filter({ hasText: 'ada@example.com' }).click();
      const userPanel = page.getByRole('dialog');
      await userPanel.getByRole('button', { name: 'Send password reset' }).click();
      await userPanel.getByRole('status').filter({ hasText: 'password reset mail was sent' }).waitFor();
      assert.match((await smtp.next('ada@example.com', 10_000)).html, /confirm-password-reset/);
      await userPanel.getByRole('button', { name: 'Impersonate (1 hour)' }).click();
      const token = await userPanel.getByLabel(/Token of ada@example.com/).inputValue();
      const asAda = new PocketBase(tenant.url);
      asAda.authStore.save(token, null);
      // as PocketBase: an impersonation token is not refreshable, a refresh answers it unchanged
      assert.equal((await asAda.collection('users').authRefresh()).token, token);
      assert.equal((await asAda.collection('users').getOne(ada.id)).email, 'ada@example.com');
      assert.equal(pb.authStore.isSuperuser, true);
      await shot('dashboard-user');
      await userPanel.getByRole('button', { name: 'Close' }).click();
    } finally {
      await smtp.close();
    }
  });

  test('MFA: a second factor by mailed code completes a superuser login', async () => {
    const smtp = await startSmtp();
    try {
      await pb.settings.update({ smtp: { enabled: true, host: smtp.host, port: smtp.port, tls: false } });
      await pb.collections.update('_superusers', { mfa: { enabled: true, duration: 600 }, otp: { enabled: true, duration: 300, length: 6 } });
      const fresh = await browser.newContext();
      const p = await fresh.newPage();
      await p.goto(`${tenant.url}/_/`);
      await p.getByLabel('Email').fill(EMAIL);
      await p.getByLabel('Password').fill(PASSWORD);
      await p.getByRole('button', { name: 'Log in' }).click();
      await p.getByRole('heading', { name: 'Enter the code' }).waitFor();
      const mail = await smtp.next(EMAIL, 10_000);
      const code = /\b(\d{6})\b/.exec(mail.html)?.[1];
      assert.ok(code, 'a code in the mail');
      await p.getByRole('textbox', { name: 'Code' }).fill(code);
      await p.getByRole('button', { name: 'Log in' }).click();
      await p.getByRole('navigation', { name: 'Collections' }).waitFor();
      await fresh.close();
    } finally {
      await pb.collections.update('_superusers', { mfa: { enabled: false }, otp: { enabled: false } });
      await smtp.close();
    }
  });

  test('log out and back in; a token in the URL fragment signs in and leaves the URL', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Superuser login' }).waitFor();
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('.form-error, .field-error').first().waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation', { name: 'Collections' }).waitFor();

    // the console's "Open dashboard": a superuser token in the fragment, in a fresh browser
    const fresh = await browser.newContext();
    const other = await fresh.newPage();
    await other.goto(`${tenant.url}/_/#token=${encodeURIComponent(pb.authStore.token)}`);
    await other.getByRole('navigation', { name: 'Collections' }).waitFor();
    await eventually('token removed from the URL', async () => (other.url().includes('token=') ? undefined : true), 5_000);
    await fresh.close();
  });

  test('every control is labelled; the keyboard alone logs in; it reads at phone width', async () => {
    for (const path of ['/collections/posts', '/settings', '/backups', '/logs', '/import-export']) {
      await page.goto(`${tenant.url}/_/#${path}`);
      await page.locator('main h1').first().waitFor();
      assert.deepEqual(await unnamedControls(page), [], `${path}: controls without an accessible name`);
    }
    await page.goto(`${tenant.url}/_/#/collections/posts`);
    await rows().first().click();
    await page.getByRole('dialog').waitFor();
    assert.deepEqual(await unnamedControls(page), [], 'record panel');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Edit collection' }).click();
    await page.getByRole('dialog').waitFor();
    assert.deepEqual(await unnamedControls(page), [], 'collection panel');
    await page.keyboard.press('Escape');

    const keyboard = await browser.newContext();
    const k = await keyboard.newPage();
    await k.goto(`${tenant.url}/_/`);
    await k.getByRole('heading', { name: 'Superuser login' }).waitFor();
    await k.keyboard.type(EMAIL); // the email field has the focus
    await k.keyboard.press('Tab');
    await k.keyboard.type(PASSWORD);
    await k.keyboard.press('Enter');
    await k.getByRole('navigation', { name: 'Collections' }).waitFor();
    await keyboard.close();

    // The main page's signed-in session, at phone width (the fragment hand-over is tested above).
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'light', storageState: await page.context().storageState() });
    const m = await phone.newPage();
    await m.goto(`${tenant.url}/_/#/collections/posts`);
    await m.getByRole('heading', { name: 'posts' }).waitFor();
    const overflow = await m.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.ok(Number(overflow) <= 0, `the page scrolls sideways by ${String(overflow)} px at 390 px`);
    await m.screenshot({ path: join(SCREENSHOTS, 'dashboard-phone.png'), fullPage: false });
    await phone.close();
  });

  test('no uncaught error in the page all along', () => {
    assert.deepEqual(pageErrors, []);
  });
});
