/**
 * Backups (without restore, which restarts the server): create with and without a name,
 * name validation, list, download with a superuser file token, upload of a valid and of an
 * invalid archive, delete.
 */
import { step, type Scenario } from '../scenario.js';

const keys = (list: Array<{ key: string }>) => list.map((b) => b.key.replace(/\d{14}/, 'TIME')).sort();

/** Backups. */
export const backupsScenario: Scenario = {
  name: 'backups',
  steps: [
    step('create a named backup', 'ok', ({ su }) => su.backups.create('compat_one.zip')),
    step('create with an invalid name', 400, ({ su }) => su.backups.create('Bad Name.zip')),
    step('create with a taken name', 400, ({ su }) => su.backups.create('compat_one.zip')),
    step('create as a user', 403, ({ alice }) => alice.backups.create('x.zip')),
    step('list', 'ok', async ({ su, exact }) => {
      const list = await su.backups.getFullList();
      exact('keys', keys(list));
      return list;
    }),
    step('download with a superuser file token', 'ok', async ({ su, exact, set }) => {
      const res = await fetch(su.backups.getDownloadURL(await su.files.getToken(), 'compat_one.zip'));
      const body = Buffer.from(await res.arrayBuffer());
      set('zipB64', body.toString('base64'));
      exact('download', { status: res.status, type: res.headers.get('content-type'), zip: body.subarray(0, 2).toString() });
      return { status: res.status };
    }),
    step('download without a token', 'ok', async ({ su, exact }) => {
      const res = await fetch(su.backups.getDownloadURL('', 'compat_one.zip'));
      exact('status', res.status);
      return { status: res.status };
    }),
    step('upload a valid archive', 'ok', ({ su, get }) => su.backups.upload({ file: new File([Buffer.from(get('zipB64'), 'base64')], 'compat_two.zip') })),
    step('upload an existing name', 400, ({ su, get }) => su.backups.upload({ file: new File([Buffer.from(get('zipB64'), 'base64')], 'compat_two.zip') })),
    step('upload something that is not a zip', 400, ({ su }) => su.backups.upload({ file: new File([Buffer.from('hello')], 'compat_three.zip') })),
    step('delete both', 'ok', async ({ su, exact }) => {
      await su.backups.delete('compat_one.zip');
      await su.backups.delete('compat_two.zip');
      exact('keys', keys(await su.backups.getFullList()));
      return null;
    }),
  ],
};
