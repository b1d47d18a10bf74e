/** One instance: its name, status and URL, then the selected tab. */
import { ApiFailure } from '../api/client';
import { CopyButton } from '../components/copy_button';
import { Layout } from '../components/layout';
import { StatusBadge } from '../components/status_badge';
import { usePolling, useTitle } from '../hooks';
import { Link } from '../router';
import { useSession } from '../session';
import { INSTANCE_TABS } from './tabs';

const POLL_MS = 1_500;

/** The page for /instances/:id/:tab?. */
export function InstancePage({ id, tab }: { id: string; tab: string | undefined }) {
  const { api } = useSession();
  const { data: instance, error, refresh } = usePolling(`instance:${id}`, (signal) => api.instance(id, signal), POLL_MS);
  const current = INSTANCE_TABS.find((t) => t.id === (tab ?? INSTANCE_TABS[0].id));
  useTitle(instance?.name ?? 'Instance');

  if (!instance) {
    const gone = error instanceof ApiFailure && error.status === 404;
    return (
      <Layout>
        {gone ? (
          <section className="card empty">
            <h1>Instance not found</h1>
            <p>It may have been deleted, or it belongs to another account.</p>
            <Link to="/instances" className="button">
              Back to instances
            </Link>
          </section>
        ) : error && !error.offline ? (
          <p className="form-error" role="alert">{error.message}</p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </Layout>
    );
  }

  return (
    <Layout>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/instances">Instances</Link> <span aria-hidden="true">/</span> <span>{instance.name}</span>
      </nav>
      <div className="page-head">
        <h1 data-testid="instance-name">{instance.name}</h1>
        <StatusBadge status={instance.status} />
      </div>
      <p className="instance-link">
        <a href={instance.url} target="_blank" rel="noreferrer" data-testid="instance-url">
          {instance.url}
        </a>
        <CopyButton text={instance.url} label="instance URL" />
      </p>
      <nav className="tabs" aria-label="Instance sections">
        {INSTANCE_TABS.map((t) => (
          <Link key={t.id} to={`/instances/${instance.id}/${t.id}`} className="tab" aria-current={t === current ? 'page' : undefined}>
            {t.label}
          </Link>
        ))}
      </nav>
      {current ? (
        <current.Component instance={instance} refresh={refresh} />
      ) : (
        <section className="card empty">
          <p>There is no “{tab}” section.</p>
        </section>
      )}
    </Layout>
  );
}
