/** Routes: public pages (log in, sign up) and the protected rest, which redirects to log in. */
import { useEffect, type ReactNode } from 'react';
import { Layout } from './components/layout';
import { InstancePage } from './instance/instance_page';
import { AccountPage } from './pages/account';
import { InstancesPage } from './pages/instances';
import { LoginPage } from './pages/login';
import { NewInstancePage } from './pages/new_instance';
import { SignupPage } from './pages/signup';
import { Link, matchPath, navigate, useLocation } from './router';
import { useSession } from './session';

/** Replaces the location once rendered (redirects). */
function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

/** Pages that need a session: without one, log in first and come back. */
function Protected({ children }: { children: ReactNode }) {
  const { status } = useSession();
  const { path, query } = useLocation();
  if (status === 'loading') return <Layout><p className="muted">Loading…</p></Layout>;
  if (status === 'anonymous') {
    const here = path + (query.size ? `?${query}` : '');
    return <Redirect to={`/login?next=${encodeURIComponent(here)}`} />;
  }
  return <>{children}</>;
}

/** The app. */
export function App() {
  const { path } = useLocation();
  const { status } = useSession();

  if (path === '/login' || path === '/signup') {
    if (status === 'user') return <Redirect to="/instances" />;
    return path === '/login' ? <LoginPage /> : <SignupPage />;
  }
  if (path === '/' || path === '/instances/') return <Redirect to="/instances" />;

  let page: ReactNode;
  let params: Record<string, string> | undefined;
  if (path === '/instances') page = <InstancesPage />;
  else if (path === '/instances/new') page = <NewInstancePage />;
  else if (path === '/account') page = <AccountPage />;
  else if ((params = matchPath('/instances/:id/:tab?', path))) page = <InstancePage key={params.id} id={params.id} tab={params.tab} />;
  else {
    page = (
      <Layout>
        <section className="card empty">
          <h1>Page not found</h1>
          <Link to="/instances" className="button">
            Go to your instances
          </Link>
        </section>
      </Layout>
    );
  }
  return <Protected>{page}</Protected>;
}
