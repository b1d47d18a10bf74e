/** Superuser login (email + password) through `_superusers`' auth-with-password. */
import { useState, type FormEvent } from 'react';
import { Field, FormError } from '../components/field';
import { useAction } from '../hooks';
import { pb } from '../pb';

/** The login screen. */
export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, failure, run } = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await pb.collection('_superusers').authWithPassword(email.trim(), password);
    });
  };

  return (
    <main className="center">
      <form className="card narrow" onSubmit={submit} noValidate aria-labelledby="login-title">
        <h1 id="login-title">Superuser login</h1>
        <Field label="Email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} autoFocus required error={failure?.fields.identity} />
        <Field label="Password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required error={failure?.fields.password} />
        <FormError message={failure && !failure.fields.identity && !failure.fields.password ? failure.message : undefined} />
        <button type="submit" className="button-primary" disabled={busy}>{busy ? 'Logging in…' : 'Log in'}</button>
      </form>
    </main>
  );
}
