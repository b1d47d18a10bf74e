/** Settings: rename (the URL changes) and delete (typed confirmation). */
import { useState, type FormEvent } from 'react';
import { ApiFailure } from '../api/client';
import { ConfirmDialog } from '../components/confirm_dialog';
import { Field, FormError } from '../components/field';
import { useNameCheck } from '../name_check';
import { navigate } from '../router';
import { useSession } from '../session';
import type { TabProps } from './tabs';

/** The settings tab. */
export function SettingsTab({ instance, refresh }: TabProps) {
  const { api } = useSession();
  const [name, setName] = useState(instance.name);
  const [renameFailure, setRenameFailure] = useState<ApiFailure>();
  const [confirmRename, setConfirmRename] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<string>();
  const [deleteBackups, setDeleteBackups] = useState(false);
  const check = useNameCheck(api, name, instance.name);
  const newUrl = instance.url.replace(`//${instance.name}.`, `//${name}.`);

  const rename = async () => {
    setBusy(true);
    setRenameFailure(undefined);
    try {
      await api.updateInstance(instance.id, { name });
      await refresh();
      setConfirmRename(false);
    } catch (err) {
      setRenameFailure(err instanceof ApiFailure ? err : new ApiFailure(0, String(err)));
      setConfirmRename(false);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    setDeleteError(undefined);
    try {
      await api.deleteInstance(instance.id, deleteBackups);
      navigate('/instances');
    } catch (err) {
      setDeleteError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  const submitRename = (event: FormEvent) => {
    event.preventDefault();
    if (name !== instance.name && check.state !== 'invalid') setConfirmRename(true);
  };

  return (
    <>
      <section className="card">
        <h2>Rename</h2>
        <form onSubmit={submitRename} noValidate className="form">
          <Field
            label="Name"
            value={name}
            onChange={(e) => {
              setName(e.target.value.toLowerCase());
              setRenameFailure(undefined);
            }}
            autoComplete="off"
            spellCheck={false}
            maxLength={40}
            hint="The name is part of the URL: apps using the old URL stop reaching the instance."
            error={renameFailure?.field('name') ?? (check.state === 'invalid' ? check.message : undefined)}
            ok={check.state === 'ok' ? `New URL: ${newUrl}` : undefined}
          />
          <FormError message={renameFailure && !renameFailure.field('name') ? renameFailure.message : undefined} />
          <button type="submit" disabled={busy || name === instance.name || check.state === 'invalid'}>
            Rename
          </button>
        </form>
      </section>
      <section className="card card-danger">
        <h2>Delete instance</h2>
        <p>Deletes the instance and all of its data: database, files and logs. This cannot be undone.</p>
        <button type="button" className="button-danger" onClick={() => setConfirmDelete(true)} disabled={instance.status === 'deleting'}>
          Delete instance
        </button>
      </section>
      <ConfirmDialog
        open={confirmRename}
        title={`Rename ${instance.name} to ${name}?`}
        confirmLabel="Rename"
        busy={busy}
        onConfirm={rename}
        onClose={() => setConfirmRename(false)}
      >
        <p>
          The URL changes from <code>{instance.url}</code> to <code>{newUrl}</code>. Apps and links using the old URL stop working, and the old name
          becomes free for anyone.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete ${instance.name}?`}
        confirmLabel="Delete forever"
        danger
        typeToConfirm={instance.name}
        busy={busy}
        error={deleteError}
        onConfirm={remove}
        onClose={() => setConfirmDelete(false)}
      >
        <p>All data of this instance is deleted. This cannot be undone.</p>
        <label className="checkbox">
          <input type="checkbox" checked={deleteBackups} onChange={(e) => setDeleteBackups(e.target.checked)} />
          Also delete its backups (otherwise the platform keeps them)
        </label>
      </ConfirmDialog>
    </>
  );
}
