/** The account: email, change password, log out everywhere. */
import { useState, type FormEvent } from 'react';
import { Field, FormError } from '../components/field';
import { Layout } from '../components/layout';
import { useFormAction, useTitle } from '../hooks';
import { navigate } from '../router';
import { useSession } from '../session';

/** The account page. */
export function AccountPage() {
  useTitle('Account');
  const { api, user, signOut } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const { busy, failure, run } = useFormAction();
  const [done, setDone] = useState(false);
  const [everywhereError, setEverywhereError] = useState<string>();

  const change = (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    void run(async () => {
      await api.changePassword(current, next);
      setCurrent('');
      setNext('');
      setDone(true);
    });
  };

  const everywhere = async () => {
    setEverywhereError(undefined);
    try {
      await api.logoutEverywhere();
      await signOut();
      navigate('/login');
    } catch (err) {
      setEverywhereError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <Layout>
      <h1>Account</h1>
      <section className="card">
        <h2>Email</h2>
        <p data-testid="account-email">{user?.email}</p>
      </section>
      <section className="card">
        <h2>Change password</h2>
        <form onSubmit={change} noValidate className="form">
          <Field label="Current password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={failure?.field('currentPassword')} />
          <Field
            label="New password"
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            hint="At least 8 characters. Your instances' dashboards take the new one too; other sessions are logged out."
            error={failure?.field('newPassword')}
          />
          <FormError message={failure && Object.keys(failure.fields).length === 0 ? failure.message : undefined} />
          {done && (
            <p className="form-ok" role="status">
              Password changed.
            </p>
          )}
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Change password'}
          </button>
        </form>
      </section>
      <section className="card">
        <h2>Sessions</h2>
        <p>Log out of the console on every device, this one included.</p>
        <FormError message={everywhereError} />
        <button type="button" onClick={everywhere}>
          Log out everywhere
        </button>
      </section>
    </Layout>
  );
}
