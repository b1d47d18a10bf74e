/** Log in (and the redirect target of every protected page). */
import { useState, type FormEvent } from 'react';
import { Field, FormError } from '../components/field';
import { Layout } from '../components/layout';
import { useFormAction, useTitle } from '../hooks';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';

/** Where to go after logging in: a same-origin path only (never an open redirect). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/')) return '/instances';
  try {
    const url = new URL(next, location.origin);
    return url.origin === location.origin ? url.pathname + url.search : '/instances';
  } catch {
    return '/instances';
  }
}

/** The login page. */
export function LoginPage() {
  useTitle('Log in');
  const { api, signIn } = useSession();
  const { query } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, failure, run } = useFormAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      signIn(await api.login(email, password));
      navigate(safeNext(query.get('next')), { replace: true });
    });
  };

  // The api names the email for wrong credentials; the message reads better under the password.
  const credentials = Object.values(failure?.fields ?? {}).some((f) => f.code === 'validation_invalid_credentials');
  return (
    <Layout narrow>
      <h1>Log in to Burrow</h1>
      <form onSubmit={submit} noValidate className="card form">
        <Field label="Email" type="email" name="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={credentials ? undefined : failure?.field('email')} autoFocus />
        <Field
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={credentials ? 'Wrong email or password.' : failure?.field('password')}
        />
        <FormError message={failure && Object.keys(failure.fields).length === 0 ? failure.message : undefined} />
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p className="aside">
        New here? <Link to="/signup">Create an account</Link>
      </p>
    </Layout>
  );
}
