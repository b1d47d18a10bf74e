/** Secrets: environment variables of the instance, values hidden until asked for. */
import { useState, type FormEvent } from 'react';
import { ApiFailure, type Secret } from '../api/client';
import { CopyButton } from '../components/copy_button';
import { Field, FormError } from '../components/field';
import { useFormAction, usePolling } from '../hooks';
import { useSession } from '../session';
import type { TabProps } from './tabs';

/** The message of a failed save: the field the API named, or the whole message. */
function describe(err: unknown): string {
  if (err instanceof ApiFailure) return Object.values(err.fields)[0]?.message ?? err.message;
  return err instanceof Error ? err.message : String(err);
}

/** The secrets tab. */
export function SecretsTab({ instance, refresh }: TabProps) {
  const { api } = useSession();
  const secrets = usePolling(`secrets:${instance.id}`, (signal) => api.secrets(instance.id, signal), 0);
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const { busy, failure: addError, run } = useFormAction();

  const reload = () => Promise.all([secrets.refresh(), refresh()]).then(() => undefined);
  const save = async (changes: Record<string, string | null>) => {
    await api.updateInstance(instance.id, { secrets: changes });
    await reload();
  };

  const add = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await api.updateInstance(instance.id, { secrets: { [name]: value } });
      // The form is done once the API took the change; the lists catch up after.
      setName('');
      setValue('');
      void reload();
    });
  };

  const nameError = addError && (addError.field(`secrets.${name}`) ?? addError.field('secrets') ?? Object.values(addError.fields)[0]?.message);
  return (
    <>
      <section className="card">
        <h2>Secrets</h2>
        <p>Environment variables of the instance's server. Changes apply at its next start (stop and start it, or wait for it to sleep and wake).</p>
        {secrets.error && !secrets.error.offline && <p className="form-error" role="alert">{secrets.error.message}</p>}
        {secrets.data && secrets.data.length === 0 && <p className="muted">No secrets yet.</p>}
        {secrets.data && secrets.data.length > 0 && (
          <ul className="secret-list" aria-label="Secrets">
            {secrets.data.map((secret) => (
              <SecretRow key={secret.name} secret={secret} onSave={(v) => save({ [secret.name]: v })} onRemove={() => save({ [secret.name]: null })} />
            ))}
          </ul>
        )}
      </section>
      <section className="card">
        <h2>Add a secret</h2>
        <form onSubmit={add} noValidate className="form form-inline">
          <Field label="Name" value={name} onChange={(e) => setName(e.target.value.toUpperCase())} placeholder="STRIPE_KEY" autoComplete="off" spellCheck={false} error={nameError} />
          <Field label="Value" type="password" value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" />
          <FormError message={addError && Object.keys(addError.fields).length === 0 ? addError.message : undefined} />
          <button type="submit" className="button-primary" disabled={busy || name === ''}>
            {busy ? 'Adding…' : 'Add secret'}
          </button>
        </form>
      </section>
    </>
  );
}

/** One secret: hidden value with show, edit and remove. */
function SecretRow({ secret, onSave, onRemove }: { secret: Secret; onSave(value: string): Promise<void>; onRemove(): Promise<void> }) {
  const [shown, setShown] = useState(false);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      setEditing(false);
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="secret-row" data-secret={secret.name}>
      <span className="secret-name">{secret.name}</span>
      {editing ? (
        <form
          className="secret-edit"
          onSubmit={(event) => {
            event.preventDefault();
            void run(() => onSave(draft));
          }}
        >
          <label className="visually-hidden" htmlFor={`edit-${secret.name}`}>
            New value of {secret.name}
          </label>
          <input id={`edit-${secret.name}`} value={draft} onChange={(e) => setDraft(e.target.value)} autoFocus autoComplete="off" />
          <button type="submit" className="button-small button-primary" disabled={busy}>
            Save
          </button>
          <button type="button" className="button-small" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <code className="secret-value" data-testid="secret-value">
            {shown ? secret.value : '••••••••'}
          </code>
          <span className="secret-actions">
            <button type="button" className="button-small" onClick={() => setShown(!shown)} aria-pressed={shown} aria-label={`${shown ? 'Hide' : 'Show'} ${secret.name}`}>
              {shown ? 'Hide' : 'Show'}
            </button>
            <CopyButton text={secret.value} label={`value of ${secret.name}`} />
            <button
              type="button"
              className="button-small"
              onClick={() => {
                setDraft(secret.value);
                setEditing(true);
              }}
              aria-label={`Edit ${secret.name}`}
            >
              Edit
            </button>
            <button type="button" className="button-small button-danger" onClick={() => void run(onRemove)} disabled={busy} aria-label={`Remove ${secret.name}`}>
              Remove
            </button>
          </span>
        </>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
