/** The frame of every page: header with navigation and account, the offline banner, the content. */
import type { ReactNode } from 'react';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { OFFLINE_MESSAGE } from '../api/client';

/** Page frame; `narrow` for forms (log in, sign up). */
export function Layout({ children, narrow }: { children: ReactNode; narrow?: boolean }) {
  const { user, online, signOut } = useSession();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to={user ? '/instances' : '/login'} className="brand" aria-label="Burrow home">
          <img src="/favicon.svg" alt="" width={24} height={24} />
          <span>Burrow</span>
        </Link>
        {user && (
          <nav aria-label="Main">
            <Link to="/instances">Instances</Link>
            <Link to="/account" className="account-link" title={user.email}>
              Account
            </Link>
            <button
              type="button"
              className="button-link"
              onClick={async () => {
                await signOut();
                navigate('/login');
              }}
            >
              Log out
            </button>
          </nav>
        )}
      </header>
      {!online && (
        <div className="banner banner-offline" role="alert">
          {OFFLINE_MESSAGE}
        </div>
      )}
      <main id="main" className={narrow ? 'container container-narrow' : 'container'}>
        {children}
      </main>
    </>
  );
}
