/** The instances list: live statuses, and the way to create the first one. */
import { StatusBadge } from '../components/status_badge';
import { Layout } from '../components/layout';
import { usePolling, useTitle } from '../hooks';
import { Link } from '../router';
import { useSession } from '../session';

/** How often the list refreshes its statuses. */
const POLL_MS = 2_000;

/** The list page. */
export function InstancesPage() {
  useTitle('Instances');
  const { api } = useSession();
  const { data: instances, error } = usePolling('instances', (signal) => api.instances(signal), POLL_MS);

  return (
    <Layout>
      <div className="page-head">
        <h1>Instances</h1>
        {instances && instances.length > 0 && (
          <Link to="/instances/new" className="button button-primary">
            New instance
          </Link>
        )}
      </div>
      {error && !error.offline && <p className="form-error" role="alert">{error.message}</p>}
      {!instances && !error && <p className="muted">Loading…</p>}
      {instances && instances.length === 0 && (
        <section className="card empty">
          <h2>No instances yet</h2>
          <p>An instance is a complete backend: database, auth, files and realtime, with its own URL and dashboard. It is ready in a few seconds.</p>
          <Link to="/instances/new" className="button button-primary">
            Create your first instance
          </Link>
        </section>
      )}
      {instances && instances.length > 0 && (
        <ul className="instance-list" aria-label="Your instances">
          {instances.map((instance) => (
            <li key={instance.id} className="card instance-row" data-instance={instance.name}>
              <div className="instance-main">
                <Link to={`/instances/${instance.id}`} className="instance-name">
                  {instance.name}
                </Link>
                <a href={instance.url} className="instance-url" target="_blank" rel="noreferrer">
                  {instance.url.replace(/^https?:\/\//, '')}
                </a>
              </div>
              <StatusBadge status={instance.status} />
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}
