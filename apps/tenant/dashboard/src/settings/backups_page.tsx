/**
 * The instance's own backups (PocketBase's `/api/backups`): create (a name or one generated),
 * download (with a short-lived superuser file token), restore (the server restarts onto it),
 * upload, delete.
 */
import { ClientResponseError } from 'pocketbase';
import { useCallback, useEffect, useState } from 'react';
import { Field, FormError } from '../components/field';
import { useAction } from '../hooks';
import { pb } from '../pb';

/** One archive as `/api/backups` lists it. */
type BackupFileInfo = Awaited<ReturnType<typeof pb.backups.getFullList>>[number];

const size = (b: number) => (b < 1024 * 1024 ? `${(b / 1024).toFixed(1)} KiB` : `${(b / 1024 / 1024).toFixed(1)} MiB`);

/** Waits (bounded) until the restarted instance answers, then reloads the page onto its data. */
async function reloadWhenBack(): Promise<void> {
  const up = () => pb.health.check().then(() => true, () => false);
  const pause = () => new Promise((r) => setTimeout(r, 250));
  // First the restart (a small instance may be back before a poll sees it down), then the way back.
  for (const until = Date.now() + 10_000; Date.now() < until && (await up()); ) await pause();
  for (const until = Date.now() + 120_000; Date.now() < until && !(await up()); ) await pause();
  window.location.reload();
}

/** The backups page. */
export function BackupsPage() {
  const [list, setList] = useState<BackupFileInfo[]>();
  const [name, setName] = useState('');
  const [notice, setNotice] = useState<string>();
  const action = useAction();
  const load = useCallback(async () => setList(await pb.backups.getFullList()), []);
  useEffect(() => {
    void load();
  }, [load]);

  const act = (fn: () => Promise<void>) => {
    setNotice(undefined);
    void action.run(fn);
  };

  const download = (key: string) => act(async () => {
    const token = await pb.files.getToken();
    window.location.assign(pb.backups.getDownloadURL(token, key));
  });

  return (
    <section aria-labelledby="backups-title" className="stack">
      <h1 id="backups-title">Backups</h1>
      <div className="card">
        <div className="row-inline">
          <Field label="Backup name (optional)" value={name} placeholder="generated when empty" onChange={(e) => setName(e.target.value)} error={action.failure?.fields.name} />
          <button type="button" className="button-primary" disabled={action.busy} onClick={() => act(async () => {
            await pb.backups.create(name.trim());
            setName('');
            setNotice('Backup created.');
            await load();
          })}>Back up now</button>
        </div>
        <div className="field">
          <label htmlFor="backup-upload">Upload a backup (zip)</label>
          <input id="backup-upload" type="file" accept=".zip,application/zip" disabled={action.busy} onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) act(async () => {
              await pb.backups.upload({ file });
              setNotice(`Uploaded ${file.name}.`);
              await load();
            });
          }} />
        </div>
        <FormError message={action.failure && !action.failure.fields.name ? action.failure.message : undefined} />
        {notice && <p role="status" className="muted">{notice}</p>}
      </div>
      {list && list.length === 0 && <p className="muted">No backups yet.</p>}
      {list && list.length > 0 && (
        <div className="table-wrap">
          <table className="table" aria-label="Backups">
            <thead><tr><th scope="col">Name</th><th scope="col">Size</th><th scope="col">Modified</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              {list.map((b) => (
                <tr key={b.key} data-backup={b.key}>
                  <td>{b.key}</td>
                  <td>{size(b.size)}</td>
                  <td>{new Date(b.modified.replace(' ', 'T')).toLocaleString()}</td>
                  <td className="row-actions">
                    <button type="button" className="button-small" onClick={() => download(b.key)}>Download</button>
                    <button type="button" className="button-small" aria-label={`Restore ${b.key}`} onClick={() => {
                      if (!window.confirm(`Restore ${b.key}? The instance restarts onto the data of this backup; the current data is replaced.`)) return;
                      act(async () => {
                        // The server restarts right after its answer: a connection cut before the answer
                        // arrived (status 0) is the restart under way, not a failure.
                        await pb.backups.restore(b.key).catch((err: unknown) => {
                          if (!(err instanceof ClientResponseError && err.status === 0)) throw err;
                        });
                        setNotice(`Restoring ${b.key}: the instance restarts onto it; this page reloads when it is back.`);
                        await reloadWhenBack();
                      });
                    }}>Restore</button>
                    <button type="button" className="button-small button-danger" aria-label={`Delete ${b.key}`} onClick={() => {
                      if (!window.confirm(`Delete ${b.key}?`)) return;
                      act(async () => {
                        await pb.backups.delete(b.key);
                        await load();
                      });
                    }}>Delete</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
