/** Overview: how to use the instance from code, its dashboard, and power. */
import { useState } from 'react';
import { CopyButton } from '../components/copy_button';
import { FormError } from '../components/field';
import { JobProgress } from '../components/job_progress';
import { useSession } from '../session';
import type { TabProps } from './tabs';

const JOB_LABELS: Record<string, string> = {
  'instance.provision': 'Provisioning',
  'instance.power': 'Power',
  'instance.deprovision': 'Deleting',
};

/** The overview tab. */
export function OverviewTab({ instance, refresh }: TabProps) {
  const { api } = useSession();
  const [error, setError] = useState<{ on: 'dashboard' | 'power'; message: string }>();
  const [busy, setBusy] = useState<'dashboard' | 'power'>();
  const snippet = `import PocketBase from 'pocketbase';\n\nconst pb = new PocketBase('${instance.url}');`;
  const up = instance.status === 'running' || instance.status === 'sleeping';
  const jobActive = instance.job && (instance.job.state === 'queued' || instance.job.state === 'active');
  const jobFailed = instance.job?.state === 'failed';

  const openDashboard = async () => {
    setError(undefined);
    setBusy('dashboard');
    // Opened now, inside the click, so no popup blocker stops it; pointed at the dashboard once the token is there.
    const tab = window.open('about:blank', '_blank');
    try {
      const { dashboardUrl } = await api.superuserToken(instance.id);
      if (tab) {
        tab.opener = null;
        tab.location.href = dashboardUrl;
      } else window.location.assign(dashboardUrl);
    } catch (err) {
      tab?.close();
      setError({ on: 'dashboard', message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(undefined);
    }
  };

  const power = async (to: 'on' | 'off') => {
    setError(undefined);
    setBusy('power');
    try {
      await api.updateInstance(instance.id, { power: to });
      await refresh();
    } catch (err) {
      setError({ on: 'power', message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <>
      {(jobActive || jobFailed) && instance.job && (
        <section className="card">
          <JobProgress job={instance.job} label={JOB_LABELS[instance.job.name] ?? instance.job.name} />
        </section>
      )}
      {instance.statusReason && instance.status === 'failed' && (
        <p className="form-error" role="alert">
          {instance.statusReason}
        </p>
      )}
      <section className="card">
        <h2>Use it from your app</h2>
        <p>The official PocketBase JavaScript SDK works unchanged:</p>
        <div className="code-block">
          <pre>
            <code data-testid="sdk-snippet">{snippet}</code>
          </pre>
          <CopyButton text={snippet} label="SDK snippet" />
        </div>
      </section>
      <section className="card">
        <h2>Dashboard</h2>
        <p>Manage collections, records and users. You are logged in as the instance's superuser with your account.</p>
        <button type="button" className="button-primary" onClick={openDashboard} disabled={!up || busy !== undefined}>
          {busy === 'dashboard' ? 'Opening…' : 'Open dashboard'}
        </button>
        {!up && <p className="muted">Available while the instance is running or sleeping.</p>}
        <FormError message={error?.on === 'dashboard' ? error.message : undefined} />
      </section>
      <section className="card">
        <h2>Power</h2>
        {instance.status === 'failed' ? (
          <>
            <p>It failed and is not running. Trying again starts it with the same data.</p>
            <button type="button" className="button-primary" onClick={() => power('on')} disabled={busy !== undefined}>
              {busy === 'power' ? 'Starting…' : 'Try again'}
            </button>
          </>
        ) : instance.power === 'on' ? (
          <>
            <p>{instance.status === 'sleeping' ? 'Sleeping: the next request wakes it up.' : 'Stopping it refuses requests until you start it again. Data is kept.'}</p>
            <button type="button" onClick={() => power('off')} disabled={busy !== undefined || instance.status === 'deleting'}>
              {busy === 'power' ? 'Stopping…' : 'Stop instance'}
            </button>
          </>
        ) : (
          <>
            <p>Stopped. Requests are refused until you start it.</p>
            <button type="button" className="button-primary" onClick={() => power('on')} disabled={busy !== undefined || instance.status === 'deleting'}>
              {busy === 'power' ? 'Starting…' : 'Start instance'}
            </button>
          </>
        )}
        <FormError message={error?.on === 'power' ? error.message : undefined} />
      </section>
    </>
  );
}
