/** Create an instance: a name checked as it is typed, then the provisioning job's progress. */
import { useEffect, useState, type FormEvent } from 'react';
import type { Instance } from '../api/client';
import { Field, FormError } from '../components/field';
import { JobProgress } from '../components/job_progress';
import { Layout } from '../components/layout';
import { useFormAction, usePolling, useTitle } from '../hooks';
import { useNameCheck } from '../name_check';
import { Link } from '../router';
import { useSession } from '../session';

const POLL_MS = 400;

/** The create page. */
export function NewInstancePage() {
  useTitle('New instance');
  const { api } = useSession();
  const [name, setName] = useState('');
  const { busy, failure, run, clear } = useFormAction();
  const [created, setCreated] = useState<Instance>();
  const check = useNameCheck(api, name);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (check.state === 'invalid' || name === '') return;
    void run(async () => setCreated(await api.createInstance(name)));
  };

  if (created) return <Provisioning initial={created} />;

  const host = `${name || 'your-name'}.${location.hostname}`;
  return (
    <Layout narrow>
      <h1>New instance</h1>
      <form onSubmit={submit} noValidate className="card form">
        <Field
          label="Name"
          name="name"
          value={name}
          onChange={(e) => {
            setName(e.target.value.toLowerCase());
            clear();
          }}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          maxLength={40}
          autoFocus
          hint={`Lowercase letters, digits and hyphens; it becomes ${host}.`}
          error={failure?.field('name') ?? (check.state === 'invalid' ? check.message : undefined)}
          ok={check.state === 'ok' ? `${host} is available.` : undefined}
        />
        <FormError message={failure && !failure.field('name') ? failure.message : undefined} />
        <button type="submit" className="button-primary" disabled={busy || name === '' || check.state === 'invalid'}>
          {busy ? 'Creating…' : 'Create instance'}
        </button>
      </form>
    </Layout>
  );
}

/** Follows the new instance until it runs or fails; a failure offers a retry. */
function Provisioning({ initial }: { initial: Instance }) {
  useTitle(`Creating ${initial.name}`);
  const { api } = useSession();
  const [settled, setSettled] = useState(false);
  // Polls until the instance runs or fails (a retry polls again).
  const { data, refresh } = usePolling(`provision:${initial.id}`, (signal) => api.instance(initial.id, signal), settled ? 0 : POLL_MS);
  const [retryError, setRetryError] = useState<string>();
  const instance = data ?? initial;
  const running = instance.status === 'running' || instance.status === 'sleeping';
  const failed = instance.status === 'failed' || instance.job?.state === 'failed';
  useEffect(() => setSettled(running || failed), [running, failed]);

  const retry = async () => {
    setRetryError(undefined);
    setSettled(false);
    try {
      await api.updateInstance(instance.id, { power: 'on' });
      await refresh();
    } catch (err) {
      setRetryError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <Layout narrow>
      <h1>{running ? `${instance.name} is ready` : `Creating ${instance.name}`}</h1>
      <section className="card" aria-live="polite">
        {instance.job && <JobProgress job={running ? { ...instance.job, percent: 100 } : instance.job} label="Provisioning" />}
        {running && (
          <>
            <p>
              Your instance is running at{' '}
              <a href={instance.url} target="_blank" rel="noreferrer">
                {instance.url}
              </a>
              .
            </p>
            <Link to={`/instances/${instance.id}`} className="button button-primary">
              Open instance
            </Link>
          </>
        )}
        {failed && (
          <>
            <p className="form-error" role="alert">
              Provisioning failed{instance.statusReason ? `: ${instance.statusReason}` : instance.job?.error ? `: ${instance.job.error}` : '.'}
            </p>
            <FormError message={retryError} />
            <button type="button" className="button-primary" onClick={retry}>
              Retry
            </button>
          </>
        )}
      </section>
    </Layout>
  );
}
