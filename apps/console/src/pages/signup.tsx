/** Create an account. */
import { useState, type FormEvent } from 'react';
import { Field, FormError } from '../components/field';
import { Layout } from '../components/layout';
import { useFormAction, useTitle } from '../hooks';
import { Link, navigate } from '../router';
import { useSession } from '../session';

/** The sign-up page. */
export function SignupPage() {
  useTitle('Sign up');
  const { api, signIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, failure, run } = useFormAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      signIn(await api.signup(email, password));
      navigate('/instances', { replace: true });
    });
  };

  return (
    <Layout narrow>
      <h1>Create your Burrow account</h1>
      <form onSubmit={submit} noValidate className="card form">
        <Field label="Email" type="email" name="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={failure?.field('email')} autoFocus />
        <Field
          label="Password"
          type="password"
          name="password"
          autoComplete="new-password"
          required
          minLength={8}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          hint="At least 8 characters. It also logs you in to your instances' dashboards."
          error={failure?.field('password')}
        />
        <FormError message={failure && Object.keys(failure.fields).length === 0 ? failure.message : undefined} />
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Creating account…' : 'Sign up'}
        </button>
      </form>
      <p className="aside">
        Already have an account? <Link to="/login">Log in</Link>
      </p>
    </Layout>
  );
}
